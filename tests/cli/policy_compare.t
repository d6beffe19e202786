# integrid policy compare: rank and percentile per area among the
# assessments given, and the peers (same competence profile; same size
# band first, then nearest on population and foreign-born share). A
# peer's scores are shown only when its assessment is shareable.
$ integrid policy compare $DATA/../policy/answers1.json $DATA/../policy/answers2.json $DATA/../policy/answers3.json $DATA/../policy/answers4.json --framework $DATA/../policy/mini.json --coverage 0.5 --format csv
section,assessment,id,title,score,rank,n,percentile,peer_rank,peers,peer_median,distance,same_size_band,shareable
area,T1,A1,Area one,60,2,4,66.666666666666671,2,2,,,,
area,T1,A2,Area two,0,2,4,33.333333333333336,2,2,,,,
area,T1,A3,Area three,100,1,4,50,1,2,,,,
area,T1,overall,Mini framework for tests,65,3,4,33.333333333333336,3,2,,,,
peer,T2,overall,Otherville,,,,,,,,0.24588078630266227,1,0
peer,T3,overall,Bigcity,68.75,,,,,,,2.9167957300143375,0,1
# T4 has no competence for I1: left out of the peers, still ranked
$ integrid policy compare $DATA/../policy/answers[1-4].json --framework $DATA/../policy/mini.json --coverage 0.5 --format table | grep 'left out'
peers (same competence profile; 1 left out by it):
$ integrid policy compare $DATA/../policy/answers[1-4].json --framework $DATA/../policy/mini.json --coverage 0.5 --place T3 --peers 1 --format csv | grep -c '^peer,'
1
$ integrid policy compare $DATA/../policy/answers1.json --framework $DATA/../policy/mini.json --place T9
? 1
! --place T9 is none of the assessments given
