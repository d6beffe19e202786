# GeoTIFF output (-o NAME.tif): written by GDAL when the build has it (a
# little-endian TIFF, "II"), atomically; without GDAL the command stops
# with exit 1, says how to get CSV or GeoJSON instead and writes nothing.
# Either way this prints "ok".
$ integrid local --measure local_share --radius-m 1000 $DATA/local_row.csv -o out.tif 2> err.txt; rc=$?; if [ $rc = 0 ]; then test "$(head -c 2 out.tif)" = II && test "$(ls -A)" = "err.txt$(printf '\nout.tif')" && grep -q 'nodata in the GeoTIFF' err.txt && echo ok; else test $rc = 1 && grep -q "^integrid: local: GeoTIFF output needs GDAL.*-o out.csv' or '-o out.geojson' instead" err.txt && test ! -e out.tif && echo ok; fi
ok
# .tiff and upper case are accepted too
$ integrid local --measure local_entropy --radius-m 1000 $DATA/local_row.csv -o OUT.TIFF 2> err.txt; rc=$?; if [ $rc = 0 ]; then test "$(head -c 2 OUT.TIFF)" = II && echo ok; else grep -q 'needs GDAL' err.txt && echo ok; fi
ok
