/* csv_record.c - a CSV record of cells written with geodata's geo_csv_cell, for the tools. */
#include "csv_record.h"
#include "../../geodata/csv.h"

int csv_record_write(FILE *fp, const char *const *cells, int n)
{
    for (int i = 0; i < n; i++)
        if ((i && fputc(',', fp) == EOF) || geo_csv_cell(fp, cells[i]) != 0)
            return EOF;
    return fputc('\n', fp) == EOF ? EOF : 0;
}
