/*
 * sample_register_write.c - writes organizations-register.xlsx (one sheet per
 * county, as a civil-affairs register exports it) and the --truth CSV.
 */
#include "sample_register.h"
#include "die.h"
#include "xlsxw.h"
#include "csv_record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 业务主管单位 by industry; trade associations and chambers register directly. */
static void supervisor(const struct org *o, const char *authority_prefix, char *buf, size_t len)
{
    static const char *const by_ind[N_IND] = {"教育局",         "民政局", "文化广电和旅游局",
                                              "民政局",         NULL,     "科学技术协会",
                                              "卫生健康委员会", "民政局"};
    if (!by_ind[o->industry])
        snprintf(buf, len, "无");
    else
        snprintf(buf, len, "%s%s", authority_prefix, by_ind[o->industry]);
}

static void reg_write_sheet(struct sample *s, struct xlsxw *w, int ci, const struct reg_row *rows,
                            int *row_no, const char *path)
{
    static const char *const head[] = {"序号",
                                       "统一社会信用代码",
                                       "社会组织名称",
                                       "类型",
                                       "登记管理机关",
                                       "业务主管单位",
                                       "法定代表人",
                                       "成立登记日期",
                                       "住所",
                                       "所属社区",
                                       "社区社会组织",
                                       "所属行业",
                                       "评估等级",
                                       "正式党员数（人）",
                                       "组织关系未转入党员数（人）",
                                       "从业人员数（人）",
                                       "党组织类型",
                                       "党组织编号",
                                       "党建工作指导员",
                                       "经度",
                                       "纬度"};
    static const double widths[] = {6,  22, 36, 14, 22, 26, 10, 12, 44, 16, 8,
                                    12, 8,  10, 12, 10, 10, 16, 10, 12, 12};
    enum { H_COLUMN = 9, N_HEAD = 21 };
    int with_column = strcmp(s->counties[ci].code, REG_COLUMN_COUNTY) == 0;
    int ncol = with_column ? N_HEAD : N_HEAD - 1;
    char buf[400], pre[64];
#define X(call)                                                                                    \
    do {                                                                                           \
        if ((call) != 0)                                                                           \
            die("%s: %s", path, xlsxw_errmsg(w));                                                  \
    } while (0)
    X(xlsxw_add_sheet(w, s->counties[ci].name));
    for (int c = 0, k = 0; c < N_HEAD; c++)
        if (c != H_COLUMN || with_column)
            X(xlsxw_col_width(w, k++, widths[c]));
    X(xlsxw_next_row(w));
    snprintf(buf, sizeof(buf), CITY_NAME "%s社会组织名录（2021年）", s->counties[ci].name);
    X(xlsxw_text(w, buf));
    X(xlsxw_merge(w, 0, 0, 0, ncol - 1));
    X(xlsxw_next_row(w));
    for (int c = 0; c < N_HEAD; c++) {
        if (c == H_COLUMN && !with_column)
            continue;
        X(xlsxw_text(w, c == 13 && with_column ? "正式\n党员数（人）" : head[c]));
    }
    int row = 2, seq = 0;
    for (int i = 0; i < s->n_orgs; i++) {
        const struct org *o = &s->orgs[i];
        const struct reg_row *r = &rows[i];
        if (o->county != ci)
            continue;
        row_no[i] = ++row;
        X(xlsxw_next_row(w));
        X(xlsxw_number(w, ++seq));
        X(xlsxw_text(w, r->code));
        X(xlsxw_text(w, o->name));
        X(xlsxw_text(w, sample_kind_names[o->kind]));
        if (r->city)
            snprintf(pre, sizeof(pre), CITY_NAME);
        else
            sample_county_prefix(s, ci, pre, sizeof(pre));
        snprintf(buf, sizeof(buf), "%s民政局", pre);
        X(xlsxw_text(w, buf));
        supervisor(o, pre, buf, sizeof(buf));
        X(xlsxw_text(w, buf));
        sample_person_name(s, buf, sizeof(buf));
        X(xlsxw_text(w, buf));
        /* day, month, year: see sample.h on draw order */
        int day = 1 + rng_int(&s->rng, 28), month = 1 + rng_int(&s->rng, 12);
        int year = 1998 + rng_int(&s->rng, 24);
        snprintf(buf, sizeof(buf), "%04d-%02d-%02d", year, month, day);
        X(xlsxw_text(w, buf));
        X(r->addr[0] ? xlsxw_text(w, r->addr) : xlsxw_skip(w));
        if (with_column)
            X(r->column[0] ? xlsxw_text(w, r->column) : xlsxw_skip(w));
        X(xlsxw_text(w, o->community_org ? "是" : "否"));
        X(xlsxw_text(w, o->sector ? o->sector : sample_industries[o->industry]));
        X(o->rating ? xlsxw_text(w, o->rating) : xlsxw_skip(w));
        X(xlsxw_number(w, o->members));
        X(xlsxw_number(w, o->untransferred));
        X(xlsxw_number(w, o->staff));
        X(xlsxw_text(w, sample_party_names[o->party]));
        X(o->party != P_NONE ? xlsxw_text(w, o->party_id) : xlsxw_skip(w));
        X(xlsxw_text(w, o->instructor ? "是" : "否"));
        if (r->coords) {
            X(xlsxw_number(w, o->x));
            X(xlsxw_number(w, o->y));
        }
    }
    X(xlsxw_next_row(w));
    X(xlsxw_text(w, "注：1.本名录数据截至2021年12月31日；2.住所以登记证书所载为准，部分社会组织"
                    "未填报；3.经度、纬度为GCJ-02坐标，仅部分社会组织已采集；4.党组织编号为空表示"
                    "尚未建立党组织。"));
    X(xlsxw_merge(w, row, 0, row, ncol - 1));
    X(xlsxw_next_row(w)); /* two empty rows, as exported registers often end */
    X(xlsxw_next_row(w));
#undef X
}

/* The truth file: each row's true areas and expected placement, sheet by sheet. */
static void write_truth(const struct sample *s, const char *path, const struct reg_row *rows,
                        const int *row_no)
{
    static const char *const head[] = {
        "id",    "district",  "street", "community", "expect", "expect_without_coordinates",
        "basis", "sample_id", "sheet",  "row",       "form",   "address"};
    FILE *fp = fopen(path, "w");
    if (!fp)
        die("%s: %s", path, strerror(errno));
    csv_record_write(fp, head, 12);
    for (int ci = 0; ci < s->n_counties; ci++)
        for (int i = 0; i < s->n_orgs; i++) {
            const struct org *o = &s->orgs[i];
            const struct reg_row *r = &rows[i];
            if (o->county != ci)
                continue;
            char row[16];
            snprintf(row, sizeof(row), "%d", row_no[i]);
            const char *cells[] = {r->code,
                                   s->counties[ci].code,
                                   s->towns[o->town].code,
                                   s->comms[o->comm].code,
                                   reg_level_names[r->expect],
                                   reg_level_names[r->expect_nc],
                                   r->basis,
                                   o->code,
                                   s->counties[ci].name,
                                   row,
                                   reg_form_names[r->form],
                                   r->addr};
            csv_record_write(fp, cells, 12);
        }
    if (ferror(fp) | (fclose(fp) != 0)) /* csv_record_write's errors show here */
        die("%s: write failed", path);
}

void sample_register_write(struct sample *s, const struct sample_register *reg, const char *dir,
                           const char *truth)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/organizations-register.xlsx", dir);
    const struct reg_row *rows = reg->rows;
    int *row_no = xcalloc((size_t)s->n_orgs, sizeof(int));
    struct xlsxw *w = xlsxw_new();
    if (!w)
        die("out of memory");
    for (int ci = 0; ci < s->n_counties; ci++)
        reg_write_sheet(s, w, ci, rows, row_no, path);
    if (xlsxw_save(w, path) != 0)
        die("%s", xlsxw_errmsg(w));
    xlsxw_free(w);
    if (truth)
        write_truth(s, truth, rows, row_no);

    int n_level[5] = {0}, n_nc[5] = {0}, n_form[N_FORMS] = {0}, n_city = 0, n_column = 0;
    for (int i = 0; i < s->n_orgs; i++) {
        n_level[rows[i].expect]++;
        n_nc[rows[i].expect_nc]++;
        n_form[rows[i].form]++;
        n_city += rows[i].city;
        n_column += rows[i].column[0] != 0;
    }
    printf("register: %d rows, %d with coordinates, %d city-level codes, %d 所属社区 cells\n",
           s->n_orgs, n_level[L_POINT], n_city, n_column);
    printf("register expect: point %d, community %d, street %d, district %d, none %d\n",
           n_level[L_POINT], n_level[L_COMMUNITY], n_level[L_STREET], n_level[L_DISTRICT],
           n_level[L_NONE]);
    printf("register without coordinates: community %d, street %d, district %d, none %d\n",
           n_nc[L_COMMUNITY], n_nc[L_STREET], n_nc[L_DISTRICT], n_nc[L_NONE]);
    printf("register address forms:");
    for (int f = 0; f < N_FORMS; f++)
        printf(" %s %d%s", reg_form_names[f], n_form[f], f + 1 < N_FORMS ? "," : "\n");
    free(row_no);
}
