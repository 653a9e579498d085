/*
 * sample_names.c - the sample's name tables: organization names (brands,
 * sports, trades, origins, learned societies ...), community organization
 * names, people's names, and the labels the files write for kinds,
 * industries and Party organization types.
 */
#include "sample.h"

#include <stdio.h>
#include <string.h>

const char *const sample_party_names[N_PARTY] = {"无", "单独", "联合", "区域", "行业", "功能型"};
const char sample_party_letters[N_PARTY + 1] = "-SJQHG";
const char *const sample_kind_names[4] = {"", "社会团体", "民办非企业单位", "基金会"};
const char *const sample_industries[N_IND] = {"教育",          "养老", "文化体育", "社会工作",
                                              "行业协会/商会", "科技", "卫生",     "慈善"};

static const char *const brands[] = {
    "启航",   "博文",   "育英",   "明德", "致远", "阳光",  "春晖", "晨曦", "乐龄", "颐康", "福寿",
    "康乐",   "同心",   "和美",   "善行", "暖阳", "星光",  "海韵", "港城", "花果", "云台", "朝阳",
    "彩虹",   "向日葵", "蒲公英", "翰林", "书香", "金帆",  "蓝海", "弘毅", "厚德", "睿智", "聚力",
    "德馨",   "兰亭",   "锦绣",   "安康", "福缘", "常青",  "惠民", "益民", "邻里", "微光", "青松",
    "怡然",   "馨园",   "乐活",   "成长", "嘉禾", "天成",  "海燕", "东方", "新语", "丰泽", "润泽",
    "瑞祥",   "恒信",   "宏远",   "卓越", "鸿儒", "启明",  "凌云", "沐阳", "静心", "知行", "思源",
    "映山红", "紫荆",   "银杏",   "海棠", "金秋", "夕阳红"};

static const char *const sports[] = {
    "篮球",   "足球",       "乒乓球",   "羽毛球", "网球",   "围棋",   "象棋",   "桥牌",
    "书法家", "摄影家",     "美术家",   "音乐家", "舞蹈家", "太极拳", "钓鱼",   "登山",
    "游泳",   "武术",       "健身气功", "门球",   "自行车", "马拉松", "收藏家", "诗词",
    "楹联",   "民间文艺家", "淮海戏",   "作家",   "戏剧家", "柔力球"};
static const char *const trades[] = {
    "餐饮",     "物流",     "建筑业",   "水产",       "紫菜",        "水晶",       "家政服务",
    "物业管理", "电子商务", "汽车维修", "房地产业",   "旅游",        "农产品流通", "个体劳动者",
    "工艺美术", "美容美发", "装饰装修", "医药",       "眼镜",        "食品",       "酒类流通",
    "民宿",     "船舶",     "港口物流", "驾驶员培训", "人力资源服务"};
/* Trades whose associations are sector associations (行业协会) that name a
 * concrete 所属行业; the others keep the category 行业协会/商会. */
static const struct {
    const char *trade, *label, *sector;
} sector_trades[] = {{"物流", "物流", "物流"},
                     {"港口物流", "港口物流", "物流"},
                     {"电子商务", "电子商务", "电子商务"}};
static const char *const origins[] = {"浙江", "福建", "温州", "山东", "安徽", "河南", "苏州",
                                      "泉州", "江西", "湖南", "盐城", "徐州", "宿迁", "淮安",
                                      "潮汕", "莆田", "台州", "义乌", "临沂", "日照"};
static const char *const learned[] = {
    "农学会",           "水产学会",       "计算机学会",     "机械工程学会",     "土木建筑学会",
    "电子学会",         "科普协会",       "科技工作者协会", "青年科技人才协会", "徐福文化研究会",
    "西游记文化研究会", "民俗文化研究会", "湿地保护研究会", "海洋经济研究会",   "地方文化研究会",
    "家庭教育研究会",   "职业教育协会",   "教育学会",       "老年大学协会",     "书画研究会"};
static const char *const health_assoc[] = {"医师协会",     "护理学会",          "中医药学会",
                                           "健康管理协会", "心理卫生协会",      "康复医学会",
                                           "营养学会",     "无偿献血志愿者协会"};
static const char *const volunteer[] = {
    "青年志愿者协会", "巾帼志愿者协会", "爱心志愿者协会", "义工联合会",   "应急救援志愿者协会",
    "慈善协会",       "老年人体育协会", "社会工作协会",   "老年书画协会", "残疾人康复协会"};
static const char *const subjects[] = {"艺术", "职业技能", "外语", "美术", "音乐", "舞蹈",
                                       "围棋", "编程",     "书法", "文化", "体育", "机器人"};

/* Name prefix of a county: 连云港市海州区 / 东海县. */
void sample_county_prefix(const struct sample *s, int ci, char *buf, size_t len)
{
    const char *nm = s->counties[ci].name;
    size_t l = strlen(nm);
    if (l >= 3 && strcmp(nm + l - 3, "区") == 0)
        snprintf(buf, len, "连云港市%.31s", nm);
    else
        snprintf(buf, len, "%.31s", nm);
}

/* Non-community org: kind, industry and name. */
void sample_name_org(struct sample *s, struct org *o)
{
    char pre[64];
    sample_county_prefix(s, o->county, pre, sizeof(pre));
    o->sector = NULL;
    double r = rng_unif(&s->rng);
    o->kind = r < 0.31 ? K_GROUP : r < 0.945 ? K_PRIVATE : K_FOUNDATION;
    char *n = o->name;
    size_t L = sizeof(o->name);
    if (o->kind == K_FOUNDATION) {
        static const char *const fnd[] = {"慈善基金会", "教育发展基金会", "见义勇为基金会",
                                          "助学基金会", "公益基金会",     "关爱老人基金会"};
        o->industry = I_CHARITY;
        if (rng_chance(&s->rng, 0.4))
            snprintf(n, L, "%s%s", pre, RNG_ITEM(&s->rng, fnd));
        else {
            /* drawn last part first: see sample.h on draw order */
            const char *kind = RNG_ITEM(&s->rng, fnd), *brand = RNG_ITEM(&s->rng, brands);
            snprintf(n, L, "%s%s%s", pre, brand, kind);
        }
        return;
    }
    if (o->kind == K_GROUP) {
        static const double w[] = {22, 26, 12, 8, 8, 6, 8, 10};
        int t = rng_pick(&s->rng, w, 8);
        switch (t) {
        case 0:
            o->industry = I_CULTURE;
            snprintf(n, L, "%s%s协会", pre, RNG_ITEM(&s->rng, sports));
            break;
        case 1: {
            const char *t0 = RNG_ITEM(&s->rng, trades);
            o->industry = I_TRADE;
            snprintf(n, L, "%s%s协会", pre, t0);
            for (size_t k = 0; k < sizeof(sector_trades) / sizeof(sector_trades[0]); k++)
                if (strcmp(t0, sector_trades[k].trade) == 0) {
                    snprintf(n, L, "%s%s行业协会", pre, sector_trades[k].label);
                    o->sector = sector_trades[k].sector;
                }
            break;
        }
        case 2:
            o->industry = I_TRADE;
            snprintf(n, L, "%s%s商会", pre, RNG_ITEM(&s->rng, origins));
            break;
        case 3:
            o->industry = I_TECH;
            snprintf(n, L, "%s%s", pre, RNG_ITEM(&s->rng, learned));
            break;
        case 4:
            o->industry = I_HEALTH;
            snprintf(n, L, "%s%s", pre, RNG_ITEM(&s->rng, health_assoc));
            break;
        case 5:
            o->industry = I_ELDER;
            snprintf(n, L, "%s%s老年协会", pre, RNG_ITEM(&s->rng, brands));
            break;
        case 6:
            o->industry = I_SOCIAL;
            snprintf(n, L, "%s%s", pre, RNG_ITEM(&s->rng, volunteer));
            break;
        default:
            o->industry = I_CHARITY;
            snprintf(n, L, "%s%s爱心公益协会", pre, RNG_ITEM(&s->rng, brands));
            break;
        }
        return;
    }
    static const double w[] = {30, 16, 14, 8, 10, 8, 8, 6};
    int t = rng_pick(&s->rng, w, 8);
    const char *b = RNG_ITEM(&s->rng, brands);
    switch (t) {
    case 0:
        o->industry = I_EDU;
        snprintf(n, L, "%s%s%s培训学校", pre, b, RNG_ITEM(&s->rng, subjects));
        break;
    case 1:
        o->industry = I_ELDER;
        snprintf(n, L, "%s%s%s", pre, b,
                 rng_chance(&s->rng, 0.5) ? "养老服务中心" : "居家养老服务中心");
        break;
    case 2:
        o->industry = I_SOCIAL;
        snprintf(n, L, "%s%s%s", pre, b,
                 rng_chance(&s->rng, 0.7) ? "社会工作服务中心" : "社工事务所");
        break;
    case 3:
        o->industry = I_EDU;
        snprintf(n, L, "%s%s幼儿园", pre, b);
        break;
    case 4:
        o->industry = I_HEALTH;
        snprintf(n, L, "%s%s%s", pre, b,
                 rng_chance(&s->rng, 0.5) ? "康复中心" : "心理咨询服务中心");
        break;
    case 5:
        o->industry = I_CULTURE;
        snprintf(n, L, "%s%s%s", pre, b, rng_chance(&s->rng, 0.5) ? "体育俱乐部" : "文化艺术中心");
        break;
    case 6:
        o->industry = I_TECH;
        snprintf(n, L, "%s%s%s", pre, b, rng_chance(&s->rng, 0.5) ? "科技服务中心" : "技术研究院");
        break;
    default:
        o->industry = I_CHARITY;
        snprintf(n, L, "%s%s公益服务中心", pre, b);
        break;
    }
}

/* Short form of a community / town name for org names. */
static void short_name(const char *nm, char *buf, size_t len)
{
    static const char *const cut[] = {"社区居民委员会", "居民委员会", "村民委员会", "委员会",
                                      "社区居委会",     "居委会",     "村委会",     "办事处"};
    static const char *const repl[] = {"社区", "社区", "村", "", "社区", "社区", "村", ""};
    snprintf(buf, len, "%s", nm);
    for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
        size_t lb = strlen(buf), lc = strlen(cut[i]);
        if (lb > lc && strcmp(buf + lb - lc, cut[i]) == 0) {
            buf[lb - lc] = 0;
            if (lb - lc + strlen(repl[i]) < len &&
                !(strlen(repl[i]) && lb - lc >= strlen(repl[i]) &&
                  strcmp(buf + lb - lc - strlen(repl[i]), repl[i]) == 0))
                strcat(buf, repl[i]);
            break;
        }
    }
}

void sample_name_community_org(struct sample *s, struct org *o, const struct comm *m)
{
    static const char *const urban_t[] = {
        "志愿者协会", "广场舞队", "老年协会",         "文艺队",     "睦邻互助会",
        "书画社",     "读书会",   "健身队",           "平安巡逻队", "邻里调解会",
        "合唱团",     "太极拳队", "居家养老服务中心", "四点半课堂", "环保志愿服务队"};
    static const char *const rural_t[] = {"老年协会", "广场舞队",   "红白理事会", "志愿者协会",
                                          "文艺队",   "农技服务队", "乡贤理事会", "留守儿童关爱队",
                                          "健身队",   "调解会"};
    char town[64], com[96];
    short_name(s->towns[m->town].name, town, sizeof(town));
    short_name(m->name, com, sizeof(com));
    const char *t = m->urban ? RNG_ITEM(&s->rng, urban_t) : RNG_ITEM(&s->rng, rural_t);
    snprintf(o->name, sizeof(o->name), "%s%s%s", town, com, t);
    o->kind = strstr(t, "服务中心") || strstr(t, "课堂") ? K_PRIVATE : K_GROUP;
    if (strstr(t, "养老") || strstr(t, "老年"))
        o->industry = I_ELDER;
    else if (strstr(t, "志愿") || strstr(t, "互助") || strstr(t, "调解") || strstr(t, "巡逻") ||
             strstr(t, "理事会") || strstr(t, "关爱"))
        o->industry = I_SOCIAL;
    else if (strstr(t, "课堂") || strstr(t, "读书"))
        o->industry = I_EDU;
    else if (strstr(t, "农技"))
        o->industry = I_TECH;
    else
        o->industry = I_CULTURE;
}

static const char *const surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
    "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程",
    "曹", "袁", "邓", "许", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏",
    "薛", "叶", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石",
    "姚", "谭", "邹", "金", "陆", "孔", "白", "崔", "孟", "秦", "顾", "侯", "邵", "葛", "惠"};
static const char *const given[] = {
    "伟", "芳",   "娜", "敏", "静",   "丽", "强",   "磊",   "军",   "洋",   "勇",   "艳", "杰",
    "娟", "涛",   "明", "超", "秀英", "霞", "平",   "刚",   "桂英", "建华", "文",   "华", "玉兰",
    "红", "志强", "海", "波", "宁",   "春", "立新", "晓东", "国庆", "建国", "海燕", "丹", "凯",
    "浩", "雪",   "俊", "慧", "鹏",   "玲", "新民", "德胜", "永",   "振",   "兰"};

const char *sample_brand(struct sample *s)
{
    return RNG_ITEM(&s->rng, brands);
}

void sample_person_name(struct sample *s, char *buf, size_t len)
{
    /* given name first: see sample.h on draw order */
    const char *g = RNG_ITEM(&s->rng, given), *surname = RNG_ITEM(&s->rng, surnames);
    snprintf(buf, len, "%s%s", surname, g);
}
