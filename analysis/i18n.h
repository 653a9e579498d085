/*
 * i18n.h - marking the text a person reads for translation (GNU gettext).
 *
 * Messages are written in English in the source; _("...") looks the text up
 * in the "orgcover" message catalogue at run time (po/zh_CN.po, compiled at
 * `make`), N_("...") only marks a string for `make pot` where it is stored
 * (a table) and translated later with _() where it is used. gettext is part
 * of the C library, so every layer may include this header; only cli/ picks
 * the language and binds the catalogue (cli/lang.c). Without that (unit
 * tests, tools) _() returns the English text unchanged.
 */
#ifndef COV_I18N_H
#define COV_I18N_H

#include <libintl.h>

#define COV_TEXTDOMAIN "orgcover"
#define _(s) gettext(s)
#define N_(s) (s)

#endif
