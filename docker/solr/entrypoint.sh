#!/usr/bin/env bash
# Solr home in the solr-data volume: solr.xml and core `ckan`'s conf/ are
# copied from the image at every start (the image's configuration wins, as
# stack/services.py `prepare_solr` does locally); the index in ckan/data stays.
#
# The runner (stack/solr) listens on 127.0.0.1:8984 only, by design; forward.py
# publishes it on the container's network as :8983. If either process ends,
# the container ends and its restart policy starts both again.
set -euo pipefail
home=/var/solr
mkdir -p "$home/ckan/conf" "$home/logs"
cp /opt/solr/template/solr.xml "$home/solr.xml"
cp /opt/solr/template/conf/* "$home/ckan/conf/"
echo "name=ckan" >"$home/ckan/core.properties"
java -Xms256m "-Xmx$SOLR_HEAP" "-Dsolr.log.dir=$home/logs" "-Dsolr.install.dir=$home" \
  -cp '/opt/solr/classes:/opt/solr/lib/*' id.go.tangerangkota.hub.solr.SolrServer "$home" 8984 &
python3.11 /opt/solr/forward.py 8983 8984 &
trap 'kill -TERM $(jobs -p) 2>/dev/null; wait' TERM INT
wait -n
status=$?
kill -TERM $(jobs -p) 2>/dev/null || true
wait
exit "$status"
