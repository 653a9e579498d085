/*
 * sample_register.h - the register-shaped copy of the sample's organizations
 * (organizations-register.xlsx) and its truth file.
 *
 * The same organizations in the shape of a real civil-affairs register
 * (社会组织名录): one sheet per county with a merged title row, a header with
 * units, a notes row and two empty rows; addresses (住所) in the forms
 * registers use instead of coordinates for most rows; a few city-level
 * credit codes. Drawn from its own stream (SEED_REGISTER) after everything
 * else, so the other files do not change.
 *
 * Every address is checked by scan_address()/resolve_row() in
 * sample_register.c, which read the row the way the importer is meant to
 * (issue 8): the district, then a street of that district, then a community
 * of that street, names in any of their usual variants, a longer name
 * winning over one it contains. What that reading finds must be the
 * organization's true area, and the most precise level it reaches is the
 * row's `expect` in the truth file.
 */
#ifndef TOOLS_SAMPLE_REGISTER_H
#define TOOLS_SAMPLE_REGISTER_H

#include "sample.h"

#define CITY_CODE "320700"
#define CITY_NAME "连云港市"
#define REG_COLUMN_COUNTY "320707" /* 赣榆区: many repeated village names; has 所属社区 */

/* How precisely a row can be placed (the truth file's words: reg_level_names). */
enum level { L_NONE, L_DISTRICT, L_STREET, L_COMMUNITY, L_POINT };
extern const char *const reg_level_names[L_POINT + 1];

/* Address forms (the truth file's words: reg_form_names). */
enum form {
    F_FULL,     /* 江苏省连云港市海州区新浦街道王庄社区解放路12号 */
    F_NBS,      /* 连云港市海州区新浦街道办事处王庄社区居委会 */
    F_SHORT,    /* 海州区新浦办事处王庄居委会幸福路8号 */
    F_VILLAGE,  /* 灌云县伊山镇李集村三组 */
    F_NODIST,   /* 新浦街道王庄社区解放路12号 (district from the credit code) */
    F_NOSTREET, /* 海州区王庄社区建设路3号 */
    F_COMMONLY, /* 李集村民委员会 */
    F_STREET,   /* 新浦街道解放中路66号 */
    F_DROAD,    /* 海州区新浦路18号 */
    F_ROAD,     /* 连云港市墟沟路18号: unusable */
    F_EMPTY,    /* (empty) */
    F_JUNK,     /* 连云港市, 详见登记证书 ... */
    N_FORMS
};
extern const char *const reg_form_names[N_FORMS];

struct reg_row {
    char code[19]; /* the register's credit code */
    int city;      /* registered by the city bureau: city-level code */
    enum form form;
    char addr[640];
    char column[192]; /* 所属社区 (column sheet only) */
    int coords;
    enum level expect, expect_nc; /* with / without the coordinates */
    const char *basis;
    int sheet_row; /* 1-based row in its sheet */
};

struct sample_register {
    struct reg_row *rows; /* one per organization, in s->orgs order */
    /* names split into stem and suffix class, per community and town */
    char (*comm_stem)[96];
    int *comm_type;
    int *comm_ambiguous; /* its class occurs more than once in the county */
    char (*town_stem)[64];
    int *town_is_jd; /* a 街道 (X街道 / X街道办事处 / X办事处) */
};

/*
 * Draws the register's rows for s->orgs, which must already be in their
 * output order (sample_write_layers sorts them). Reseeds s->rng with
 * SEED_REGISTER. Fills reg (caller-owned: sample_register_release).
 */
void sample_register_make(struct sample *s, struct sample_register *reg);
void sample_register_release(struct sample_register *reg);

/*
 * Writes dir/organizations-register.xlsx (drawing the people's names and
 * dates from s->rng) and, when truth is not NULL, the truth CSV there; then
 * prints the register's counts on stdout.
 */
void sample_register_write(struct sample *s, const struct sample_register *reg, const char *dir,
                           const char *truth);

#endif
