#!/bin/sh
# Solr home in the solr-data volume: solr.xml and core `ckan`'s conf/ are
# copied from the image at every start (the image's configuration wins, as
# stack/services.py `prepare_solr` does locally); the index in ckan/data stays.
set -eu
home=/var/solr
mkdir -p "$home/ckan/conf" "$home/logs"
cp /opt/solr/template/solr.xml "$home/solr.xml"
cp /opt/solr/template/conf/* "$home/ckan/conf/"
echo "name=ckan" >"$home/ckan/core.properties"
exec java -Xms256m "-Xmx$SOLR_HEAP" -Dhub.solr.host=0.0.0.0 \
  "-Dsolr.log.dir=$home/logs" "-Dsolr.install.dir=$home" \
  -cp '/opt/solr/classes:/opt/solr/lib/*' id.go.tangerangkota.hub.solr.SolrServer "$home" 8983
