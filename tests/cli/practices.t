# integrid practices: the practice knowledge base (issue #7). Search
# filters, "places like mine" from an assessment or a grid, validation of
# a practices file with file:line:column, and usage errors. The search
# order is checked by hand in tests/unit/test_practices.c.
$ integrid practices validate $DATA/../../../data/practices/practices.json | sed 's|.*/||'
practices.json: valid: practices version 1.0, 25 practices (24 with a verified source)
# the issue's example
$ integrid practices search --point 10 --size-band 5k-20k --settlement town --format csv | cut -d, -f1,3,5,9,10
id,place,points,size_band,settlement
altena-dispersed-housing,Altena,10;5,5k-20k,town
$ integrid practices search --point 10 --size-band 5k-20k --settlement town --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["count"], d["practices"][0]["id"], d["practices"][0]["source_url"][:4], "own" in d["notice"])'
1 altena-dispersed-housing http True
$ integrid practices search --point 10 --size-band 5k-20k --settlement town --format table | head -3
1 practice
|
altena-dispersed-housing  Altena houses refugees in empty flats across the town
# no match is not an error
$ integrid practices search --point 3 --settlement town --format csv | wc -l
1
# tags: any of them, as recommendations link to practices
$ integrid practices search --tag education,funding --format csv | cut -d, -f1 | sed 1d | sort
athens-nonstate-funding
berlin-neukoelln-school
$ integrid practices search --text "anti-rumour GETXO" --format csv | cut -d, -f1
id
getxo-anti-rumour-transfer
$ integrid practices search --evidence evaluation --format csv | cut -d, -f1,11 | sed 1d
getxo-anti-rumour-transfer,evaluation
utrecht-plan-einstein,evaluation
antwerp-curant,evaluation
# places like mine, from an assessment (a town of 18,000, 14 % born abroad)
$ integrid practices search --like $DATA/../policy/fictown.json --limit 3 --format csv | python3 -c 'import csv,sys; [print(",".join([r[0], r[8], r[9]] + r[13:])) for r in csv.reader(sys.stdin)]'
id,size_band,settlement,same_settlement,size_band_diff,share_band_diff
altena-dispersed-housing,5k-20k,town,1,0,0
altena-integration-for-renewal,5k-20k,town,1,0,0
altena-volunteer-mentors,5k-20k,town,1,0,0
$ integrid practices search --like $DATA/../policy/fictown.json --limit 1 --format table | head -1
places like Fictown: town, population band 5k-20k, foreign-born share band 10-15%
# ... and from a grid: the place's DEGURBA class, population and share
$ integrid practices search --grid $DATA/degurba.csv --place 3 --limit 2 --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["like"]["settlement"], d["count"], d["practices"][0]["same_settlement"])'
town 2 1
$ integrid practices show vienna-start-wien | head -2
vienna-start-wien
Start Wien: coaching for newcomers in their first two years
$ integrid practices show nope
? 1
! no practice "nope"
$ integrid practices vocabulary --format csv | grep -c '^settlement,'
3
# a bad file: exit 1, file:line:column, what and how to fix
$ sed 's/"sector": "welcome"/"sector": "welcom"/' $DATA/../../../data/practices/practices.json > bad.json && integrid practices validate bad.json
? 1
!! 1
! bad.json:13:17: "sector" of practice amsterdam-refugee-approach: unknown word "welcom"; did you mean "welcome"\?
$ sed 's/"points": \[4, 9\]/"points": [4, 19]/' $DATA/../../../data/practices/practices.json > bad.json && integrid practices validate bad.json
? 1
! bad.json:12:21: "points" of practice amsterdam-refugee-approach: each must be a whole number 1..12
$ integrid practices search --file nope.json
? 1
! nope.json: cannot open
# usage errors: exit 2
$ integrid practices search --size-band 5-20k
? 2
! --size-band '5-20k' is not known; use one of: <5k, 5k-20k
$ integrid practices search --point 13
? 2
! --point must be a checklist point 1..12
$ integrid practices search --tag houses
? 1
! unknown tag "houses"
$ integrid practices search --grid x.csv
? 2
! --grid FILE and --place ID go together
$ integrid practices frobnicate
? 2
! unknown practices command 'frobnicate'
# the store of `integrid serve`: import keeps a checked set byte for byte,
# export gives it back; search and show read it with --data
$ mkdir -p st && integrid practices export --data st
? 1
! ^integrid: practices: no practices set 'local' in the store; import one with 'integrid practices import FILE --data DIR'$
$ mkdir -p st && integrid practices import -q $DATA/../../../data/practices/practices.json --data st && integrid practices export --data st -o back.json && cmp back.json $DATA/../../../data/practices/practices.json && echo same
same
$ mkdir -p st && integrid practices import -q $DATA/../../../data/practices/practices.json --data st && integrid practices search --data st --point 10 --settlement town --format csv | cut -d, -f1 | head -2
id
altena-dispersed-housing
$ mkdir -p st && printf '{"integrid_practices": 1,\n "practices": []}\n' > bad.json && integrid practices import bad.json --data st
? 1
! bad.json:1:1: the practices file has no "version"
$ mkdir -p st && integrid practices import -q $DATA/../../../data/practices/practices.json --data st && printf '{"integrid_practices": 1,\n "practices": []}\n' > bad.json && (integrid practices import -q bad.json --data st 2>/dev/null; integrid practices export --data st) | cmp - $DATA/../../../data/practices/practices.json && echo unchanged
unchanged
$ integrid practices import x.json
? 2
! ^integrid: practices: import needs --data DIR
