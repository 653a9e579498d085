/*
 * die.h - fatal errors of the generator tools (mksample, mkcountry): a tool
 * that cannot go on says why on stderr, prefixed with its own name, and exits
 * with status 1. For tools only: nothing in the product's layers exits.
 */
#ifndef TOOLS_DIE_H
#define TOOLS_DIE_H

#include <stddef.h>

/* "NAME: message\n" on stderr (NAME: the program's file name), then exit(1). */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* calloc / realloc that die when out of memory (xcalloc(0, ...) gives one element). */
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);

#endif
