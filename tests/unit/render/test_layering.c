/* test_layering.c - the files of render/ are layered (issue 10): each calls
 * only files below it in the order docs/ARCHITECTURE.md gives, so no two call
 * each other and map_render() reads top-down. Checked on the compiled objects
 * (nm over the librender.a this test was linked with), where every call is
 * seen, not on the includes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../../render/map.h"

/* Bottom to top: a file may use what the files before it define, never what a
 * file after it defines. A new file of render/ must take its place here. */
static const char *const ORDER[] = {
    "opts.o",   "simplify.o", "style.o",  "svg.o",    "text.o",      "layout.o", "path.o",
    "themes.o", "legend.o",   "layers.o", "labels.o", "furniture.o", "page.o",
};
#define N_ORDER (sizeof(ORDER) / sizeof(ORDER[0]))

struct sym {
    char name[128];
    int file; /* index into ORDER */
    int defined;
};

struct syms {
    struct sym *s;
    size_t n, cap;
};

static int order_of(const char *member) {
    for (size_t i = 0; i < N_ORDER; i++)
        if (!strcmp(ORDER[i], member))
            return (int)i;
    return -1;
}

/* build/tests/test_layering -> build/librender.a */
static void archive_path(char *buf, size_t n) {
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    assert_true(k > 0);
    exe[k] = 0;
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(exe, '/');
        assert_non_null(slash);
        *slash = 0;
    }
    snprintf(buf, n, "%s/librender.a", exe);
    assert_int_equal(access(buf, R_OK), 0);
}

/* Global symbols of the archive's members, defined (T, D, B, R, ...) or used (U). */
static void read_symbols(struct syms *out) {
    char lib[PATH_MAX + 32], cmd[PATH_MAX + 64], line[512];
    archive_path(lib, sizeof(lib));
    snprintf(cmd, sizeof(cmd), "nm -A -g '%s' 2>/dev/null", lib);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t prefix = strlen(lib) + 1;
    while (fgets(line, sizeof(line), p)) {
        line[strcspn(line, "\n")] = 0;
        /* LIB:MEMBER:VALUE TYPE NAME, VALUE blank for undefined symbols */
        if (strncmp(line, lib, prefix - 1) || line[prefix - 1] != ':')
            continue;
        char *member = line + prefix, *colon = strchr(member, ':');
        if (!colon)
            continue;
        *colon = 0;
        char *name = strrchr(colon + 1, ' ');
        if (!name || name - colon < 3)
            continue;
        char type = name[-1];
        name++;
        int file = order_of(member);
        if (file < 0)
            fail_msg("render/%s is not in the layering order of test_layering.c (and of "
                     "docs/ARCHITECTURE.md): give it its place",
                     member);
        if (out->n == out->cap) {
            out->cap = out->cap ? 2 * out->cap : 256;
            out->s = realloc(out->s, out->cap * sizeof(*out->s));
            assert_non_null(out->s);
        }
        struct sym *s = &out->s[out->n++];
        snprintf(s->name, sizeof(s->name), "%s", name);
        s->file = file;
        s->defined = type != 'U' && type != 'w' && type != 'v';
    }
    assert_int_equal(pclose(p), 0);
    assert_true(out->n > 0);
}

static int definer(const struct syms *t, const char *name) {
    for (size_t i = 0; i < t->n; i++)
        if (t->s[i].defined && !strcmp(t->s[i].name, name))
            return t->s[i].file;
    return -1;
}

static void test_files_call_only_files_below(void **state) {
    (void)state;
    struct syms t = {0};
    read_symbols(&t);
    int bad = 0, seen[N_ORDER] = {0};
    for (size_t i = 0; i < t.n; i++) {
        seen[t.s[i].file] = 1;
        if (t.s[i].defined)
            continue;
        int d = definer(&t, t.s[i].name);
        if (d >= 0 && d >= t.s[i].file) {
            print_error("render/%s uses %s of render/%s, which is not below it\n",
                        ORDER[t.s[i].file], t.s[i].name, ORDER[d]);
            bad++;
        }
    }
    for (size_t k = 0; k < N_ORDER; k++)
        if (!seen[k])
            print_error("render/%s is in the order but not in the library\n", ORDER[k]);
    free(t.s);
    assert_int_equal(bad, 0);
    for (size_t k = 0; k < N_ORDER; k++)
        assert_true(seen[k]);
}

static void test_entry_points_are_on_top(void **state) {
    (void)state;
    struct syms t = {0};
    read_symbols(&t);
    assert_string_equal(ORDER[definer(&t, "map_render")], "page.o");
    assert_string_equal(ORDER[definer(&t, "map_render_atlas")], "page.o");
    assert_string_equal(ORDER[definer(&t, "map_legend_build")], "legend.o");
    free(t.s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_files_call_only_files_below),
        cmocka_unit_test(test_entry_points_are_on_top),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
