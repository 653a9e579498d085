# english.awk - print the lines of orgcover's output that are English prose:
# what the e2e case i18n-no-english runs every command's --help and typical
# errors through in the default Chinese mode. Run with LC_ALL=C (bytes).
#
# Allowed on any line: option names (--district, -o), quoted values ('x',
# "x"), paths and file extensions, upper-case names (FILE, EPSG, GCJ02),
# numbers and codes, policy keys (joint_max_units), the message prefix
# "orgcover CMD:", an example command line ("orgcover policy set ..."), and
# the words of the command line itself (command names, format, theme and
# layer values). What is left are English words.
#   an ASCII-only line with any English word left is reported;
#   a line with Chinese text is reported when it has a run of three English
#   words (an English sentence beside a Chinese one) or one of the English
#   words that only prose has ("the", "or", "clause", ...).
# Each reported line is printed as "ENGLISH: <line>".
BEGIN {
    n = split("orgcover init import organizations status targets uncovered policy " \
              "propose render demo show set reset table csv json geojson xlsx gpkg " \
              "shp png pdf svg zh en coverage plan district street community " \
              "districts streets communities by lat lon", w, " ")
    for (i = 1; i <= n; i++) allow[w[i]] = 1
    n = split("the a an of and or with without is are not no to for from in on at " \
              "this that these its it be has have was cannot must expected unknown " \
              "missing invalid clause", w, " ")
    for (i = 1; i <= n; i++) prose[w[i]] = 1
}
{
    line = $0
    s = line
    # an example command line: orgcover followed by a command word, no colon
    if (s ~ /^[ \t]*(\$ )?orgcover [a-z]/ && s !~ /^[ \t]*orgcover( [a-z]+)?[:]/) next
    sub(/^orgcover( [a-z]+)?: /, "", s)            # the message prefix (English form)
    gsub(/'[^']*'/, " ", s)                         # 'quoted' values and commands
    gsub(/"[^"]*"/, " ", s)
    gsub(/[^ \t]*\/[^ \t]*/, " ", s)                # paths
    gsub(/--?[A-Za-z][-A-Za-z0-9_]*(=[^ \t]*)?/, " ", s)   # option names
    gsub(/\.[a-z]+/, " ", s)                        # file extensions
    gsub(/[A-Za-z0-9]*_[A-Za-z0-9_]*/, " ", s)      # policy keys, codes
    gsub(/[A-Za-z]*[0-9][A-Za-z0-9]*/, " ", s)      # numbers, codes, EPSG:4326
    gsub(/[A-Z][A-Z]+/, " ", s)                     # FILE, CRS, GLPK
    gsub(/(^|[^A-Za-z])[A-Z]([^A-Za-z]|$)/, " ", s) # X, N, F
    # what is left: words; count those that are not the command line's own
    ascii = (line !~ /[\200-\377]/)
    run = 0; bad = 0
    m = split(s, t, /[^A-Za-z]+/)
    for (i = 1; i <= m; i++) {
        if (t[i] == "") continue
        if (tolower(t[i]) in allow) { run = 0; continue }
        run++
        if (ascii || run >= 3 || tolower(t[i]) in prose) { bad = 1; break }
    }
    # a run counts only across ASCII text: Chinese between words breaks it
    if (bad && !ascii) {
        bad = 0
        k = split(s, seg, /[\200-\377]+/)
        for (j = 1; j <= k && !bad; j++) {
            run = 0
            m = split(seg[j], t, /[^A-Za-z]+/)
            for (i = 1; i <= m; i++) {
                if (t[i] == "") continue
                if (tolower(t[i]) in allow) { run = 0; continue }
                if (++run >= 3 || tolower(t[i]) in prose) { bad = 1; break }
            }
        }
    }
    if (bad) print "ENGLISH: " line
}
