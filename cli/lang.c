/*
 * lang.c - the language of orgcover's messages: locale set-up and the gettext
 * catalogue (see lang.h and docs/ARCHITECTURE.md, "Messages and languages").
 */
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lang.h"

#ifndef COV_LOCALEDIR
#define COV_LOCALEDIR "/usr/local/share/locale"
#endif

/* 1 when dir holds the Chinese catalogue. */
static int has_catalogue(const char *dir)
{
    char path[PATH_MAX + 64];
    struct stat st;
    int w = snprintf(path, sizeof(path), "%s/zh_CN/LC_MESSAGES/%s.mo", dir, COV_TEXTDOMAIN);
    return w > 0 && (size_t)w < sizeof(path) && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

const char *cli_lang_dir(char *buf, size_t n)
{
    const char *env = getenv("ORGCOVER_LOCALEDIR");
    if (env && *env) {
        snprintf(buf, n, "%s", env);
        return buf;
    }
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (len > 0) {
        exe[len] = 0;
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = 0;
        int w = snprintf(buf, n, "%s/locale", exe);
        if (w > 0 && (size_t)w < n && has_catalogue(buf))
            return buf;
    }
    snprintf(buf, n, "%s", COV_LOCALEDIR);
    return buf;
}

void cli_lang_use(enum cov_lang lang)
{
    /* LANGUAGE outranks the locale's name in gettext's search; "en" has no
     * catalogue, so the English msgids are printed. */
    setenv("LANGUAGE", lang == COV_LANG_EN ? "en" : "zh_CN", 1);
    /* glibc caches translations; setting a locale category again invalidates
     * that cache so that a later switch (the parser's --lang) takes effect. */
    const char *cur = setlocale(LC_MESSAGES, NULL);
    if (cur) {
        char keep[64];
        snprintf(keep, sizeof(keep), "%s", cur);
        setlocale(LC_MESSAGES, keep);
    }
}

/* The language named by s ("zh" or "en"); -1 for anything else. */
static int lang_of(const char *s)
{
    if (!s)
        return -1;
    if (!strcmp(s, "zh"))
        return COV_LANG_ZH;
    if (!strcmp(s, "en"))
        return COV_LANG_EN;
    return -1;
}

/* The first --lang X / --lang=X of argv (before "--"), or -1. */
static int lang_in_args(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--"))
            break;
        if (!strcmp(a, "--lang") && i + 1 < argc)
            return lang_of(argv[i + 1]);
        if (!strncmp(a, "--lang=", 7))
            return lang_of(a + 7);
    }
    return -1;
}

enum cov_lang cli_lang_init(int argc, char **argv)
{
    /* Only the messages follow the user's locale: every other category stays
     * "C", so numbers keep the decimal point (strtod, printf), and text
     * handling, sorting and the maps' fonts (pango takes its default
     * language from LC_CTYPE) do not change with the machine. */
    setlocale(LC_MESSAGES, "");
    /* In the C/POSIX locale glibc ignores LANGUAGE and never translates; a
     * machine with no locales installed (a container, a server) has no
     * other. C.UTF-8 (glibc >= 2.35; C.utf8 in older Debian) honours it. */
    const char *msg = setlocale(LC_MESSAGES, NULL);
    if (!msg || !strcmp(msg, "C") || !strcmp(msg, "POSIX")) {
        static const char *const utf8[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8"};
        for (size_t i = 0; i < sizeof(utf8) / sizeof(utf8[0]); i++)
            if (setlocale(LC_MESSAGES, utf8[i]))
                break;
    }
    setlocale(LC_NUMERIC, "C"); /* already; said for the reader: '.' decimals */

    char dir[PATH_MAX];
    bindtextdomain(COV_TEXTDOMAIN, cli_lang_dir(dir, sizeof(dir)));
    bind_textdomain_codeset(COV_TEXTDOMAIN, "UTF-8");
    textdomain(COV_TEXTDOMAIN);

    int lang = lang_in_args(argc, argv);
    if (lang < 0)
        lang = lang_of(getenv("ORGCOVER_LANG"));
    if (lang < 0)
        lang = COV_LANG_ZH;
    /* A binary copied without its catalogue (or an install that lost it)
     * would speak English with Chinese layer names: say why, in the one
     * language that needs no catalogue to be Chinese. */
    if (lang == COV_LANG_ZH && !has_catalogue(dir))
        fprintf(stderr,
                "orgcover: 未找到中文消息目录（%s/zh_CN/LC_MESSAGES/%s.mo），以下消息为英文；"
                "请用 make install 安装，或设置 ORGCOVER_LOCALEDIR\n",
                dir, COV_TEXTDOMAIN);
    cli_lang_use((enum cov_lang)lang);
    return (enum cov_lang)lang;
}
