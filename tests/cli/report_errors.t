# Usage and runtime errors of `integrid report`: each says what is wrong
# and how to fix it; nothing is written.
$ integrid report $DATA/towns.csv --place 1
? 2
! -o FILE is required: a name ending in .html or .pdf
$ integrid report $DATA/towns.csv --place 1 -o r.txt
? 2
! cannot tell the report format from 'r.txt'
$ integrid report $DATA/towns.csv -o r.html
? 2
! --place ID\|NAME is required
$ integrid report $DATA/towns.csv --place 1 --radii 2000,1000 -o r.html
? 2
! invalid --radii '2000,1000'
$ integrid report $DATA/towns.csv --place 1 --policy
? 2
! option '--policy' needs a value
# an unknown place: the closest are suggested
$ integrid report $DATA/towns.csv --by CNTR_ID --places degurba --place Nowhere -o r.html; s=$?; ls; exit $s
? 1
! no place 'Nowhere'; closest: .*id 1.*give an id or a full name
# an unwritable output fails before the work
$ integrid report $DATA/towns.csv --place 1 -o /nonexistent-dir/r.html
? 1
! cannot create output file '/nonexistent-dir/r.html'
# a broken answers file: file, line and column
$ echo '{"framework": "lic-oecd12", "answers": [}' > bad.json && integrid report $DATA/towns.csv --by CNTR_ID --places degurba --place 1 --policy bad.json -o r.html; s=$?; ls; exit $s
? 1
! bad.json:1:[0-9]+: invalid JSON
bad.json
# a place with no populated cells (a boundary with no cell inside)
$ echo '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Far"},"geometry":{"type":"Polygon","coordinates":[[[100000,100000],[100100,100000],[100100,100100],[100000,100000]]]}}]}' > far.geojson &&
> integrid report $DATA/towns.csv --places far.geojson --place-name name --places-crs EPSG:3035 --place Far -o r.html; s=$?; ls; exit $s
? 1
! place 'Far' \(id .*\) has no populated cells
far.geojson
