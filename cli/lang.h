/*
 * lang.h - the language of everything orgcover prints: picking it (--lang,
 * $ORGCOVER_LANG, Chinese by default) and binding the gettext catalogue.
 */
#ifndef CLI_LANG_H
#define CLI_LANG_H

#include "../analysis/i18n.h"
#include "../analysis/labels.h"

/*
 * Set up messages before anything prints: the locale (the user's, with
 * LC_NUMERIC kept "C" so numbers keep the decimal point, and LC_MESSAGES
 * raised from C/POSIX to C.UTF-8 so that gettext honours LANGUAGE), the
 * catalogue's folder (cli_lang_dir) and the language: the first --lang
 * zh|en (or --lang=X) of argv, else $ORGCOVER_LANG, else zh. A --lang with a
 * bad value is left for the option parser to report. Returns the language.
 */
enum cov_lang cli_lang_init(int argc, char **argv);

/* Switch the messages to lang (the parser's --lang calls it). */
void cli_lang_use(enum cov_lang lang);

/*
 * The folder holding <lang>/LC_MESSAGES/orgcover.mo, into buf: $ORGCOVER_LOCALEDIR
 * when set; else the build tree's locale/ next to the binary (build/locale for
 * build/orgcover) when it holds the catalogue; else the installed one
 * ($(PREFIX)/share/locale, compiled in). Returns buf.
 */
const char *cli_lang_dir(char *buf, size_t n);

#endif
