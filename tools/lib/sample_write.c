/*
 * sample_write.c - writes the sample's layers (districts.geojson, streets.gpkg,
 * communities.shp, parks.geojson, buildings.geojson) and organizations.xlsx
 * through GDAL, with fixed layer options so that the same world gives the
 * same bytes.
 */
#include "sample.h"
#include "sample_geom.h"
#include "die.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_error.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static OGRSpatialReferenceH wgs84(void)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 4326);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

static void remove_outputs(const char *path)
{
    if (unlink(path) != 0 && errno != ENOENT)
        die("cannot remove %s: %s", path, strerror(errno));
}

static GDALDatasetH create_ds(const char *driver, const char *path)
{
    GDALDriverH drv = GDALGetDriverByName(driver);
    if (!drv)
        die("GDAL has no %s driver", driver);
    remove_outputs(path);
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds)
        die("%s: %s", path, CPLGetLastErrorMsg());
    return ds;
}

static void add_field(OGRLayerH lyr, const char *name, OGRFieldType type, int width)
{
    OGRFieldDefnH fd = OGR_Fld_Create(name, type);
    if (width)
        OGR_Fld_SetWidth(fd, width);
    if (OGR_L_CreateField(lyr, fd, TRUE) != OGRERR_NONE)
        die("cannot create field %s: %s", name, CPLGetLastErrorMsg());
    OGR_Fld_Destroy(fd);
}

static void close_ds(GDALDatasetH ds, const char *path)
{
    CPLErrorReset();
    GDALClose(ds);
    if (CPLGetLastErrorType() >= CE_Failure)
        die("%s: error while closing: %s", path, CPLGetLastErrorMsg());
}

static void put_feature(GEOSContextHandle_t gh, OGRLayerH lyr, OGRFeatureH f, const GEOSGeometry *g,
                        const char *path)
{
    if (g) {
        OGRGeometryH og = sg_to_ogr(gh, g);
        og = OGR_G_ForceToMultiPolygon(og);
        OGR_F_SetGeometryDirectly(f, og);
    }
    if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
        die("%s: cannot write feature: %s", path, CPLGetLastErrorMsg());
    OGR_F_Destroy(f);
}

/* Code, name and polygon of item i of a layer written by write_geojson. */
typedef void item_fn(const struct sample *s, int i, const char **code, const char **name,
                     const GEOSGeometry **geom);

/* n items (code, name, polygon) to the GeoJSON file dir/file. */
static void write_geojson(const struct sample *s, const char *dir, const char *file, int n,
                          item_fn *item)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    GDALDatasetH ds = create_ds("GeoJSON", path);
    OGRSpatialReferenceH srs = wgs84();
    char layer[64];
    snprintf(layer, sizeof(layer), "%.*s", (int)(strchr(file, '.') - file), file);
    const char *lco[] = {"COORDINATE_PRECISION=6", "WRITE_BBOX=NO", NULL};
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, layer, srs, wkbMultiPolygon, (char **)lco);
    OSRDestroySpatialReference(srs);
    if (!lyr)
        die("%s: %s", path, CPLGetLastErrorMsg());
    add_field(lyr, "code", OFTString, 0);
    add_field(lyr, "name", OFTString, 0);
    for (int i = 0; i < n; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        const char *code, *name;
        const GEOSGeometry *geom;
        item(s, i, &code, &name, &geom);
        OGR_F_SetFieldString(f, 0, code);
        OGR_F_SetFieldString(f, 1, name);
        put_feature(s->gh, lyr, f, geom, path);
    }
    close_ds(ds, path);
}

static void county_item(const struct sample *s, int i, const char **code, const char **name,
                        const GEOSGeometry **geom)
{
    *code = s->counties[i].code;
    *name = s->counties[i].name;
    *geom = s->counties[i].geom;
}

static void park_item(const struct sample *s, int i, const char **code, const char **name,
                      const GEOSGeometry **geom)
{
    *code = s->parks[i].code;
    *name = s->parks[i].name;
    *geom = s->parks[i].geom;
}

static void bldg_item(const struct sample *s, int i, const char **code, const char **name,
                      const GEOSGeometry **geom)
{
    *code = s->bldgs[i].code;
    *name = s->bldgs[i].name;
    *geom = s->bldgs[i].geom;
}

static void write_streets(const struct sample *s, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/streets.gpkg", dir);
    GDALDatasetH ds = create_ds("GPKG", path);
    OGRSpatialReferenceH srs = wgs84();
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, "streets", srs, wkbMultiPolygon, NULL);
    OSRDestroySpatialReference(srs);
    if (!lyr)
        die("%s: %s", path, CPLGetLastErrorMsg());
    add_field(lyr, "code", OFTString, 9);
    add_field(lyr, "name", OFTString, 0);
    add_field(lyr, "district_code", OFTString, 6);
    if (OGR_L_StartTransaction(lyr) != OGRERR_NONE)
        die("%s: cannot start a transaction", path);
    for (int i = 0; i < s->n_towns; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        OGR_F_SetFieldString(f, 0, s->towns[i].code);
        OGR_F_SetFieldString(f, 1, s->towns[i].name);
        OGR_F_SetFieldString(f, 2, s->counties[s->towns[i].county].code);
        put_feature(s->gh, lyr, f, s->towns[i].cell, path);
    }
    if (OGR_L_CommitTransaction(lyr) != OGRERR_NONE)
        die("%s: commit failed", path);
    close_ds(ds, path);
}

static void write_communities(const struct sample *s, const char *dir)
{
    char path[4096], aux[4096];
    snprintf(path, sizeof(path), "%s/communities.shp", dir);
    static const char *const exts[] = {"shx", "dbf", "prj", "cpg"};
    for (int i = 0; i < 4; i++) {
        snprintf(aux, sizeof(aux), "%s/communities.%s", dir, exts[i]);
        remove_outputs(aux);
    }
    GDALDatasetH ds = create_ds("ESRI Shapefile", path);
    OGRSpatialReferenceH srs = wgs84();
    const char *lco[] = {"ENCODING=CP936", "DBF_DATE_LAST_UPDATE=2026-01-01", NULL};
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, "communities", srs, wkbMultiPolygon, (char **)lco);
    OSRDestroySpatialReference(srs);
    if (!lyr)
        die("%s: %s", path, CPLGetLastErrorMsg());
    /* DBF field names hold 10 bytes: 城乡分类代码 (12 bytes in GBK) cannot fit */
    add_field(lyr, "区划代码", OFTString, 12);
    add_field(lyr, "名称", OFTString, 80);
    add_field(lyr, "城乡分类", OFTString, 3);
    add_field(lyr, "街道代码", OFTString, 9);
    for (int i = 0; i < s->n_comms; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        OGR_F_SetFieldString(f, 0, s->comms[i].code);
        OGR_F_SetFieldString(f, 1, s->comms[i].name);
        OGR_F_SetFieldString(f, 2, s->comms[i].ur);
        OGR_F_SetFieldString(f, 3, s->towns[s->comms[i].town].code);
        put_feature(s->gh, lyr, f, s->comms[i].cell, path);
    }
    close_ds(ds, path);
    /* real Chinese shapefiles come without .cpg: the importer must detect GBK */
    snprintf(aux, sizeof(aux), "%s/communities.cpg", dir);
    remove_outputs(aux);
}

/* The counties of the organizations by_code sorts (qsort has no context). */
static const struct county *by_code_counties;
static int by_code(const void *a, const void *b)
{
    const struct org *x = a, *y = b;
    int c = strcmp(by_code_counties[x->county].code, by_code_counties[y->county].code);
    return c ? c : strcmp(x->code + 8, y->code + 8);
}

static void write_orgs(struct sample *s, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/organizations.xlsx", dir);
    GDALDatasetH ds = create_ds("XLSX", path);
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, "社会组织", NULL, wkbNone, NULL);
    if (!lyr)
        die("%s: %s", path, CPLGetLastErrorMsg());
    static const char *const cols[] = {"统一社会信用代码",
                                       "名称",
                                       "类型",
                                       "社区社会组织",
                                       "所属行业",
                                       "评估等级",
                                       "正式党员数",
                                       "组织关系未转入党员数",
                                       "从业人员数",
                                       "党组织类型",
                                       "党组织编号",
                                       "党建工作指导员",
                                       "经度",
                                       "纬度"};
    for (int i = 0; i < 14; i++)
        add_field(lyr, cols[i], i >= 6 && i <= 8 ? OFTInteger : i >= 12 ? OFTReal : OFTString, 0);
    by_code_counties = s->counties;
    qsort(s->orgs, (size_t)s->n_orgs, sizeof(*s->orgs), by_code);
    for (int i = 0; i < s->n_orgs; i++) {
        struct org *o = &s->orgs[i];
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        OGR_F_SetFieldString(f, 0, o->code);
        OGR_F_SetFieldString(f, 1, o->name);
        OGR_F_SetFieldString(f, 2, sample_kind_names[o->kind]);
        OGR_F_SetFieldString(f, 3, o->community_org ? "是" : "否");
        OGR_F_SetFieldString(f, 4, o->sector ? o->sector : sample_industries[o->industry]);
        if (o->rating)
            OGR_F_SetFieldString(f, 5, o->rating);
        OGR_F_SetFieldInteger(f, 6, o->members);
        OGR_F_SetFieldInteger(f, 7, o->untransferred);
        OGR_F_SetFieldInteger(f, 8, o->staff);
        OGR_F_SetFieldString(f, 9, sample_party_names[o->party]);
        if (o->party != P_NONE)
            OGR_F_SetFieldString(f, 10, o->party_id);
        OGR_F_SetFieldString(f, 11, o->instructor ? "是" : "否");
        OGR_F_SetFieldDouble(f, 12, o->x);
        OGR_F_SetFieldDouble(f, 13, o->y);
        put_feature(s->gh, lyr, f, NULL, path);
    }
    close_ds(ds, path);
}

void sample_write_layers(struct sample *s, const char *dir)
{
    write_geojson(s, dir, "districts.geojson", s->n_counties, county_item);
    write_streets(s, dir);
    write_communities(s, dir);
    write_geojson(s, dir, "parks.geojson", s->n_parks, park_item);
    write_geojson(s, dir, "buildings.geojson", s->n_bldgs, bldg_item);
    write_orgs(s, dir);
}
