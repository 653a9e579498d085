/*
 * zh_catalogue.h - for the render tests that read a Chinese map's text: bind
 * the build's compiled message catalogue ($(BUILD)/locale, next to the test
 * binaries' $(BUILD)/tests/) and choose Chinese, as cli/lang.c does for
 * orgcover. The map's English text needs nothing: map_opts.lang_en = 1
 * prints the sources' messages whatever is bound.
 */
#ifndef TEST_ZH_CATALOGUE_H
#define TEST_ZH_CATALOGUE_H

#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 0 when the catalogue is bound; -1 (with a message) when it is not built. */
static int test_use_zh_catalogue(void)
{
    char exe[PATH_MAX], dir[PATH_MAX + 16], mo[PATH_MAX + 64];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return -1;
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = 0;
    snprintf(dir, sizeof(dir), "%s/../locale", exe);
    snprintf(mo, sizeof(mo), "%s/zh_CN/LC_MESSAGES/orgcover.mo", dir);
    struct stat st;
    if (stat(mo, &st) != 0) {
        fprintf(stderr, "%s: no compiled catalogue (make builds it)\n", mo);
        return -1;
    }
    if (!setlocale(LC_MESSAGES, "C.UTF-8") && !setlocale(LC_MESSAGES, "C.utf8"))
        setlocale(LC_MESSAGES, "en_US.UTF-8");
    setenv("LANGUAGE", "zh_CN", 1);
    bindtextdomain("orgcover", dir);
    bind_textdomain_codeset("orgcover", "UTF-8");
    textdomain("orgcover");
    return 0;
}

#endif
