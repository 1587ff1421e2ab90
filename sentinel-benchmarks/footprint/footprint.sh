#!/usr/bin/env bash
# Footprint of the Sentinel starter in a user's application (issue 15, the dependency diet).
#
# Builds four tiny consumer applications in a temporary directory: bare WebFlux, WebFlux +
# starter, bare Spring MVC, MVC + starter. All four have Actuator and the same
# application.properties (one client, sentinel.clients.demo.base-url; port 0). Prints, per web
# stack, what the starter adds over the bare application:
#   - jars in the fat jar's BOOT-INF/lib (and which), their MB, the fat jar's MB;
#   - startup time (Spring Boot's "Started ... in N seconds") and RSS after start (VmRSS from
#     /proc/<pid>/status, read once the log says Started), as medians of RUNS paired runs that
#     alternate bare and starter so that both see the same machine load;
#   - the health components and the meter names the starter's application has and the bare one
#     has not (from /actuator/health and /actuator/metrics after start).
#
# The starter must be in the local Maven repository first (it is not published yet):
#   ./mvnw -q install -DskipTests          (from the repository root)
#   sentinel-benchmarks/footprint/footprint.sh [RUNS]     (RUNS defaults to 3)
# Environment: MVN (default: the repository's ./mvnw), MVN_ARGS (default: -q -o, offline),
# KEEP=1 keeps the temporary directory. Needs Java 17+, curl and python3; Linux (/proc).
set -euo pipefail

RUNS=${1:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MVN=${MVN:-$ROOT/mvnw}
MVN_ARGS=${MVN_ARGS:--q -o}
BOOT_VERSION=$(sed -n 's:.*<spring-boot.version>\(.*\)</spring-boot.version>.*:\1:p' "$ROOT/pom.xml" | head -1)
SENTINEL_VERSION=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$ROOT/pom.xml")
WORK=$(mktemp -d -t sentinel-footprint.XXXXXX)   # under $TMPDIR
PIDS=()

cleanup() {
	for pid in "${PIDS[@]:-}"; do
		[[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
	done
	[[ "${KEEP:-0}" == 1 ]] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

# app <name> <web starter> <with sentinel: 0|1>
app() {
	local name=$1 web=$2 sentinel=$3 dir=$WORK/$1
	mkdir -p "$dir/src/main/java/demo" "$dir/src/main/resources"
	local starter=""
	if [[ $sentinel == 1 ]]; then
		starter="<dependency><groupId>io.httpsentinel</groupId><artifactId>sentinel-spring-boot-starter</artifactId><version>$SENTINEL_VERSION</version></dependency>"
	fi
	cat >"$dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
	<modelVersion>4.0.0</modelVersion>
	<parent>
		<groupId>org.springframework.boot</groupId>
		<artifactId>spring-boot-starter-parent</artifactId>
		<version>$BOOT_VERSION</version>
		<relativePath/>
	</parent>
	<groupId>demo</groupId>
	<artifactId>$name</artifactId>
	<version>1</version>
	<properties><java.version>17</java.version></properties>
	<dependencies>
		<dependency><groupId>org.springframework.boot</groupId><artifactId>$web</artifactId></dependency>
		<dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-actuator</artifactId></dependency>
		$starter
	</dependencies>
	<build>
		<plugins>
			<plugin><groupId>org.springframework.boot</groupId><artifactId>spring-boot-maven-plugin</artifactId></plugin>
		</plugins>
	</build>
</project>
EOF
	cat >"$dir/src/main/java/demo/DemoApplication.java" <<'EOF'
package demo;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class DemoApplication {

	public static void main(String[] args) {
		SpringApplication.run(DemoApplication.class, args);
	}

}
EOF
	cat >"$dir/src/main/resources/application.properties" <<'EOF'
server.port=0
sentinel.clients.demo.base-url=http://127.0.0.1:9
management.endpoints.web.exposure.include=health,metrics
management.endpoint.health.show-components=always
EOF
}

app bare-webflux spring-boot-starter-webflux 0
app sentinel-webflux spring-boot-starter-webflux 1
app bare-mvc spring-boot-starter-webmvc 0
app sentinel-mvc spring-boot-starter-webmvc 1
cat >"$WORK/pom.xml" <<'EOF'
<project xmlns="http://maven.apache.org/POM/4.0.0">
	<modelVersion>4.0.0</modelVersion>
	<groupId>demo</groupId>
	<artifactId>footprint</artifactId>
	<version>1</version>
	<packaging>pom</packaging>
	<modules>
		<module>bare-webflux</module>
		<module>sentinel-webflux</module>
		<module>bare-mvc</module>
		<module>sentinel-mvc</module>
	</modules>
</project>
EOF
echo "Building the four applications in $WORK (Boot $BOOT_VERSION, Sentinel $SENTINEL_VERSION) ..."
# shellcheck disable=SC2086
"$MVN" $MVN_ARGS -B -f "$WORK/pom.xml" package -DskipTests

jar_of() { echo "$WORK/$1/target/$1-1.jar"; }

# Lines "<size> <name>" of the fat jar's libraries.
libs() { unzip -l "$(jar_of "$1")" | awk '$4 ~ /^BOOT-INF\/lib\/.+\.jar$/ { sub("BOOT-INF/lib/", "", $4); print $1, $4 }' | sort -k2; }

# run <app> <out prefix>: starts the app, waits for "Started", records seconds and RSS (kB),
# the health components and meter names, then stops it.
run() {
	local name=$1 out=$2 log=$2.log
	: >"$log"
	java -jar "$(jar_of "$name")" >"$log" 2>&1 &
	local pid=$!
	PIDS+=("$pid")
	local deadline=$((SECONDS + 120))
	until grep -q "Started DemoApplication in" "$log"; do
		if ! kill -0 "$pid" 2>/dev/null || ((SECONDS > deadline)); then
			echo "$name did not start, see its log:" >&2
			tail -30 "$log" >&2
			exit 1
		fi
		sleep 0.2
	done
	sed -n 's/.*Started DemoApplication in \([0-9.]*\) seconds.*/\1/p' "$log" >"$out.seconds"
	awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" >"$out.rss"
	local port
	port=$(sed -n 's/.*\(Netty\|Tomcat\) started on port \([0-9]*\).*/\2/p' "$log" | head -1)
	curl -sf "http://127.0.0.1:$port/actuator/health" |
		python3 -c 'import json,sys; print("\n".join(sorted(json.load(sys.stdin).get("components", {}))))' >"$out.health"
	curl -sf "http://127.0.0.1:$port/actuator/metrics" |
		python3 -c 'import json,sys; print("\n".join(sorted(json.load(sys.stdin)["names"])))' >"$out.meters"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

mb() { awk '{ printf "%.1f", $1 / 1048576 }'; }

for stack in webflux mvc; do
	bare=bare-$stack
	with=sentinel-$stack
	mkdir -p "$WORK/runs/$stack"
	for ((i = 1; i <= RUNS; i++)); do
		# Alternate which one goes first, so neither always runs on a warmer machine.
		if ((i % 2)); then order=("$bare" "$with"); else order=("$with" "$bare"); fi
		for name in "${order[@]}"; do
			run "$name" "$WORK/runs/$stack/$name.$i"
		done
	done
	libs "$bare" >"$WORK/$bare.libs"
	libs "$with" >"$WORK/$with.libs"
	extra=$(comm -13 <(awk '{ print $2 }' "$WORK/$bare.libs") <(awk '{ print $2 }' "$WORK/$with.libs"))
	extra_count=$(grep -c . <<<"$extra" || true)
	extra_bytes=$(awk 'NR == FNR { keep[$1] = 1; next } ($2 in keep) { sum += $1 } END { print sum + 0 }' \
		<(echo "$extra") "$WORK/$with.libs")
	jar_bare=$(stat -c %s "$(jar_of "$bare")")
	jar_with=$(stat -c %s "$(jar_of "$with")")
	echo
	echo "== $stack: starter over bare ($RUNS paired runs, medians)"
	printf '%-18s %8s %10s %12s %10s\n' "" jars "fat jar MB" "startup s" "RSS MB"
	for name in "$bare" "$with"; do
		printf '%-18s %8s %10s %12s %10s\n' "$name" "$(wc -l <"$WORK/$name.libs")" \
			"$(stat -c %s "$(jar_of "$name")" | mb)" \
			"$(cat "$WORK"/runs/"$stack"/"$name".*.seconds | median)" \
			"$(cat "$WORK"/runs/"$stack"/"$name".*.rss | median | awk '{ printf "%.0f", $1 / 1024 }')"
	done
	echo "extra: $extra_count jars, $(echo "$extra_bytes" | mb) MB of libraries, fat jar +$(echo $((jar_with - jar_bare)) | mb) MB"
	echo "extra jars:"
	awk 'NR == FNR { keep[$1] = 1; next } ($2 in keep) { printf "  %8.1f kB  %s\n", $1 / 1024, $2 }' \
		<(echo "$extra") "$WORK/$with.libs" | sort -k3
	echo "health components the starter adds: $(comm -13 "$WORK/runs/$stack/$bare.1.health" "$WORK/runs/$stack/$with.1.health" | paste -sd' ')"
	echo "meters the starter adds: $(comm -13 "$WORK/runs/$stack/$bare.1.meters" "$WORK/runs/$stack/$with.1.meters" | paste -sd' ')"
done
