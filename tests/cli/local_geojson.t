# GeoJSON output of `integrid local` (-o NAME.geojson): a FeatureCollection
# with the CRS named like the boundary files (urn:ogc:def:crs:EPSG::3035),
# one Feature per CSV row: the cell's square in metres, the CSV columns as
# properties, null where a value is undefined. Numbers as in local_csv.t.
$ integrid local --measure local_simpson_concentration --radius-m 1000 $DATA/local_row.csv -o out.geojson && cat out.geojson
{"type": "FeatureCollection",
 "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3035"}},
 "features": [
  {"type": "Feature", "properties": {"cell": "CRS3035RES1000mN2684000E4334000", "value": 0.40625}, "geometry": {"type": "Polygon", "coordinates": [[[4334000, 2684000], [4335000, 2684000], [4335000, 2685000], [4334000, 2685000], [4334000, 2684000]]]}},
  {"type": "Feature", "properties": {"cell": "CRS3035RES1000mN2684000E4335000", "value": 0.3888888888888889}, "geometry": {"type": "Polygon", "coordinates": [[[4335000, 2684000], [4336000, 2684000], [4336000, 2685000], [4335000, 2685000], [4335000, 2684000]]]}},
  {"type": "Feature", "properties": {"cell": "CRS3035RES1000mN2684000E4336000", "value": 0.3671875}, "geometry": {"type": "Polygon", "coordinates": [[[4336000, 2684000], [4337000, 2684000], [4337000, 2685000], [4336000, 2685000], [4336000, 2684000]]]}},
  {"type": "Feature", "properties": {"cell": "CRS3035RES1000mN2684000E4344000", "value": null}, "geometry": {"type": "Polygon", "coordinates": [[[4344000, 2684000], [4345000, 2684000], [4345000, 2685000], [4344000, 2685000], [4344000, 2684000]]]}}
 ]}
!! 1
! ^integrid: local: warning: 1 cell with an empty neighbourhood \(no residents within reach\); value null$
# per-group measures: one Feature per cell and group, with a "group"
$ integrid local --measure local_share --radius-m 1000 $DATA/local_row.csv -o out.json 2>/dev/null && grep -c '"type": "Feature"' out.json && grep -c '"group": "OTH", "value": 0.4375}' out.json
12
1
# hot spots carry z, p_value and class (numbers cut to 6 decimals here)
$ integrid local --measure local_gi_star --radius-m 1500 $DATA/local_block.csv -o hot.geojson && grep -c '"class": "hot_99"' hot.geojson && grep -o '"properties": {"cell[^}]*}' hot.geojson | sed -n 3p | sed -E 's/([0-9]\.[0-9]{6})[0-9]*/\1/g'
6
"properties": {"cell": "CRS3035RES1000mN2684000E4334000", "group": "OTH", "value": 0.244545, "z": 3.704320, "p_value": 0.000211, "class": "hot_99"}
# undefined values and classes are null: in local_row.csv the empty cell
# E4344 has no share, and E4335's kernel covers all three populated cells
# with weight 1, so Gi* has no variance there (3 groups each)
$ integrid local --measure local_gi_star --radius-m 1000 $DATA/local_row.csv -o hot.geojson && grep -c '"value": null, "z": null, "p_value": null, "class": null' hot.geojson
6
!! 2
! ^integrid: local: warning: 1 cell without residents of their own \(no group share to test\); value null$
! ^integrid: local: warning: 1 cell whose kernel covers every populated cell equally \(no contrast\); value null$
