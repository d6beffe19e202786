# integrid policy: frameworks as data, validation with file:line:column,
# fill-in templates (JSON + CSV), scores and their errors. The scoring
# rules are checked by hand in tests/unit/test_policy.c; here the
# command-line contract. $DATA/../policy holds the policy fixtures.
$ integrid policy frameworks --format csv | cut -d, -f1,2
id,version
lic-oecd12,1.0
$ integrid policy frameworks --format json | python3 -c 'import json,sys; f=json.load(sys.stdin)["frameworks"][0]; print(f["blocks"], f["areas"], f["indicators"], "official" in f["notice"])'
4 12 47 True
$ integrid policy frameworks --format table | head -1
lic-oecd12 1.0  Local integration checklist, inspired by the OECD/EC 12 points
# the shipped file validates, and so does the test framework
$ integrid policy validate $DATA/../policy/mini.json | sed 's|.*/||'
mini.json: valid: framework mini version 2, 2 blocks, 3 areas, 10 indicators, 3 recommendations
# each bad file: exit 1, one line with file:line:column, what and how to fix
$ integrid policy validate $DATA/../policy/bad_score.json
? 1
!! 1
! bad_score.json:9:48: "score" of option 2 of indicator I1 is 150; it must be >= 0 and <= 100$
$ integrid policy validate $DATA/../policy/bad_dup.json
? 1
! bad_dup.json:8:12: duplicate indicator id "I1"
$ integrid policy validate $DATA/../policy/bad_key.json
? 1
! bad_key.json:6:26: unknown key "titel" in block B; did you mean "title"\?
$ integrid policy validate $DATA/../policy/bad_rule.json
? 1
! bad_rule.json:7:[0-9]+: rule: expected a value
$ integrid policy validate nope.json
? 1
! nope.json: cannot open
# templates: answers.json and answers.csv beside it, both parse back
$ integrid policy template --framework lic-oecd12 -o answers.json && ls
answers.csv
answers.json
$ integrid policy template --framework lic-oecd12 -o answers.json && head -2 answers.csv
indicator,kind,area,question,choices,answer,competence,confidence,notes,evidence_type,evidence_title,evidence_issuer,evidence_date,evidence_url,evidence_quote
@framework,meta,,,,lic-oecd12,,,,,,,,,
$ integrid policy template --framework lic-oecd12 -o answers.json && integrid policy score answers.json --format csv | sed -n 2p
overall,lic-oecd12,"Local integration checklist, inspired by the OECD/EC 12 points",,insufficient_data,0,41,41,0,0,0,0,,,,,
$ integrid policy template --framework lic-oecd12 -o answers.json && integrid policy score answers.csv --format csv --no-indicators | cut -d, -f1,2,5 | sed -n 3,4p
block,B1,insufficient_data
block,B2,insufficient_data
$ integrid policy template --framework $DATA/../policy/mini.json -o t.csv && ls t.*
t.csv
# a hand-computed sheet: A1 = (100 + 3 * 50 + 50) / 5 = 60, A2 lacks
# coverage (1 of 2 applicable answered), B2 = A3 = 100
$ integrid policy score $DATA/../policy/answers1.json --framework $DATA/../policy/mini.json --format csv --no-indicators
level,id,title,score,status,coverage,indicators,applicable,answered,excluded,dont_know,documented,outcome_score,value,badge,evidence_missing,note
overall,mini,Mini framework for tests,,insufficient_data,0.83333333333333337,8,6,5,2,1,1,,,,,
block,B1,Block one,,insufficient_data,0.80000000000000004,7,5,4,2,1,1,,,,,
block,B2,Block two,100,scored,1,1,1,1,0,0,0,,,,,
area,A1,Area one,60,scored,1,4,3,3,1,0,1,,,,,
area,A2,Area two,,insufficient_data,0.5,3,2,1,1,1,0,,,,,
area,A3,Area three,100,scored,1,1,1,1,0,0,0,,,,,
recommendation,R2,K1 is done.,2,fired,,,,,,,,,,,,
# the CSV answers give the same sheet
$ integrid policy score $DATA/../policy/answers1.json --framework $DATA/../policy/mini.json --format csv > j.csv && integrid policy score $DATA/../policy/answers1.csv --framework $DATA/../policy/mini.json --format csv > c.csv && cmp j.csv c.csv && echo same
same
$ integrid policy score $DATA/../policy/answers1.json --framework $DATA/../policy/mini.json --coverage 0.5 --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["overall"]["score"], [r["id"] for r in d["recommendations"]])'
65 ['R2', 'R3']
# the golden score sheet of the fictional town Fictown (lic-oecd12)
$ integrid policy score $DATA/../policy/fictown.json --format csv -o sheet.csv && cmp sheet.csv $DATA/../policy/fictown_scores.csv && echo same
same
# outcome indicators from a grid: DEGURBA places of the fixture grid; the
# place is ranked among the places of its class (here 2 urban clusters)
$ integrid policy score $DATA/../policy/fictown.json --grid $DATA/degurba.csv --place 3 --format csv 2>/dev/null | grep '^indicator,P10.O1' | cut -d, -f4,5
0,scored
$ integrid policy score $DATA/../policy/fictown.json --grid $DATA/degurba.csv --place 3 --format json 2>/dev/null | python3 -c 'import json,sys; d={i["id"]: i for i in json.load(sys.stdin)["indicators"]}; print(d["P10.O1"]["note"]); print(d["P4.O1"]["note"])'
percentile 100.0 among 2 places of class urban_cluster (rank 1, 1 = highest value)
not computed: the grid has no movers column (CHG_IN)
# school segregation from a long-format school file (no calibration)
$ integrid policy score $DATA/../policy/fictown.json --grid $DATA/degurba.csv --place 3 --schools $DATA/../policy/schools.csv --schools-group MIG --format json 2>/dev/null | python3 -c 'import json,sys; d={i["id"]: i for i in json.load(sys.stdin)["indicators"]}; print(round(d["P12.O1"]["value"], 5), d["P12.O1"]["status"])'
0.43646 not_scored
$ integrid policy score $DATA/../policy/fictown.json --schools x.csv
? 2
! --schools needs --grid and --place
$ integrid policy score $DATA/../policy/fictown.json --grid $DATA/degurba.csv
? 2
! --grid FILE and --place ID go together
$ integrid policy score $DATA/../policy/fictown.json --grid $DATA/degurba.csv --place 3 --native NATIVE
? 1
! no group NATIVE in the grid
$ integrid policy score $DATA/../policy/fictown.json --by CNTR_ID
? 2
! unexpected '--by' \(read and place options need --grid\)
# answers for another framework, or an unknown indicator: named, with the valid ones
$ integrid policy score $DATA/../policy/answers1.json
? 1
! no built-in framework "mini"; known: lic-oecd12
$ sed 's/"I3"/"I9"/' $DATA/../policy/answers1.json > a9.json && integrid policy score a9.json --framework $DATA/../policy/mini.json
? 1
! ^integrid: policy: a9.json:13:5: unknown indicator "I9" \(valid ones include I1, I2, I3, I4
$ sed 's/"option": "no"/"option": "maybe"/' $DATA/../policy/answers1.json > am.json && integrid policy score am.json --framework $DATA/../policy/mini.json
? 1
! am.json:13:5: indicator I3 has no option "maybe"; valid options: no, yes$
$ integrid policy score $DATA/../policy/fictown.json --framework $DATA/../policy/mini.json
? 1
! the answers are for framework lic-oecd12 version 1.0, not mini version 2
# a framework is not an answers file, and the reverse
$ integrid policy validate $DATA/../policy/answers1.json
? 1
! answers1.json:2:26: this is an assessment \(answers\), not a framework
$ integrid policy score $DATA/../policy/mini.json
? 1
! mini.json:2:25: this is a framework, not an assessment
# usage errors
$ integrid policy
? 2
! say what to do
$ integrid policy frobnicate
? 2
! unknown policy command 'frobnicate'
$ integrid policy template -o x.json
? 2
! template needs --framework
$ integrid policy score a.json --coverage 2
? 2
! --coverage must be in
