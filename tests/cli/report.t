# `integrid report` on tests/data/cli/towns.csv: six towns of 9 cells x
# 6,000 people (DEGURBA urban centres 1..6); town 1 has D(OTH) = 0.1736
# (tests/cli/places_measures.t), so its report says 17 %. Each command
# runs in a fresh folder, so each makes its report and looks into it.
# Seven sections; one inline SVG per figure (2 share maps, 2 hot-spot maps,
# the profile, the strip plot); nothing points outside; a CSP forbids
# requests; no temporary file is left beside the output.
$ integrid report $DATA/towns.csv --by CNTR_ID --places degurba --place 1 --reps 19 -o r.html -q &&
> grep -o '<section id="[a-z-]*"' r.html && grep -o '<svg ' r.html | wc -l &&
> grep -c -E 'https?://| src=|<script|<link' r.html; grep -c "default-src 'none'; img-src data:" r.html; ls -A
<section id="key-figures"
<section id="where"
<section id="how-mixed"
<section id="scale"
<section id="peers"
<section id="policy"
<section id="methods"
6
0
1
r.html
# sentences filled with numbers (a no-break space before %, shown as a
# space here), and the
# command that reproduces the report
$ integrid report $DATA/towns.csv --by CNTR_ID --places degurba --place 1 --reps 19 -o r.html -q &&
> grep -o 'born outside the EU would need to move between cells in a share of 17[^%]*%' r.html | sed 's/\xc2\xa0/ /g' &&
> grep -c 'integrid report .*towns.csv --by CNTR_ID --places degurba --place 1 --reps 19 -o r.html -q' r.html
born outside the EU would need to move between cells in a share of 17 %
1
# the same as PDF: A4 pages
$ integrid report $DATA/towns.csv --by CNTR_ID --places degurba --place 4 --reps 19 -o r.pdf -q && head -c 5 r.pdf && echo && ls -A
| %PDF-
r.pdf
# with policy answers: scores by area and a radar chart (one SVG more)
$ integrid report $DATA/towns.csv --by CNTR_ID --places degurba --place 1 --reps 19 --policy $DATA/../policy/fictown.json -o p.html -q &&
> grep -o '<svg ' p.html | wc -l && grep -c 'Policy scores by area' p.html
7
2
# the reproducing command quotes what a shell would split
$ integrid report $DATA/towns.csv --by CNTR_ID --places degurba --place 1 --reps 19 --title 'Town one' -o 't 1.html' -q &&
> grep -o "\-\-title 'Town one' -o 't 1.html'" 't 1.html' && grep -o '<title>[^<]*</title>' 't 1.html'
--title 'Town one' -o 't 1.html'
<title>Town one</title>
# --by places (the countries) are places too
$ integrid report $DATA/towns.csv --by CNTR_ID --place AA --reps 19 -o aa.html -q && grep -o 'AA has [0-9,]* residents' aa.html
AA has 162,040 residents
# --previous: an earlier census of the same cells (here the same grid with
# every count doubled): residents then and now, the change table and the
# bar chart of the parts of M (one SVG more); M and D do not change
$ awk -F, 'BEGIN { OFS = "," } NR > 1 { for (i = 3; i <= 6; i++) $i *= 2 } { print }' $DATA/towns.csv > old.csv &&
> integrid report $DATA/towns.csv --by CNTR_ID --places degurba --place 1 --reps 19 --previous old.csv -o c.html -q &&
> grep -o '<svg ' c.html | wc -l && grep -o 'residents went from [0-9,]* in the earlier census to [0-9,]* now' c.html && grep -o 'index M, stayed at [0-9]\.[0-9]*' c.html && grep -c 'old.csv' c.html
7
residents went from 108,000 in the earlier census to 54,000 now
index M, stayed at 0.004
2
# a previous grid of other cells: the report stands and says why
$ sed 's/N26\([0-9]\)/N36\1/' $DATA/towns.csv > far.csv &&
> integrid report $DATA/towns.csv --by CNTR_ID --places degurba --place 1 --reps 19 --previous far.csv -o f.html &&
> grep -o 'cannot be shown: no cell of the place is in the previous grid' f.html
! the change since far.csv is not shown in full
cannot be shown: no cell of the place is in the previous grid
$ integrid report $DATA/towns.csv --by CNTR_ID --places degurba --place 1 --previous nope.csv -o n.html
? 1
! nope.csv
# --profile-ci: the profile's chart gets bootstrap bands
$ integrid report $DATA/towns.csv --by CNTR_ID --places degurba --place 1 --reps 19 --profile-ci -o b.html -q && grep -c 'Shaded bands are 95' b.html
1
