#!/usr/bin/env bash
# Records the current API of every bundle that exports one as the baseline (version ${api.baseline.version} of the
# root pom) that the build compares against. Run it after a release, or after an agreed API change whose package
# versions were raised: build first (mvn -B -q package -DskipTests), then run this from the repository root.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(sed -n 's:.*<api.baseline.version>\(.*\)</api.baseline.version>.*:\1:p' pom.xml)
for m in platform.lcore platform.msgmgr platform.sockopt modules.blklst modules.stats; do
    jar=$(ls "$m"/target/"$m"-*.jar | grep -v -e sources -e tests | head -n 1)
    mvn -B -q install:install-file -Dfile="$jar" -DgroupId=io.dplane -DartifactId="$m" -Dversion="$version" \
        -Dpackaging=jar -DgeneratePom=true -DlocalRepositoryPath=cnf/baseline
    echo "baseline $m $version <- $jar"
done
# the local repository bookkeeping is not needed in a file repository; checksums are (Maven validates downloads)
find cnf/baseline -name '_remote.repositories' -o -name 'maven-metadata-local.xml' -o -name '*.lastUpdated' | xargs -r rm -f
find cnf/baseline \( -name '*.jar' -o -name '*.pom' \) -exec sh -c 'sha1sum "$1" | cut -d" " -f1 > "$1.sha1"' _ {} \;
