#!/bin/sh
# Regenerates verdicts.txt with the reference validator (linkml-validate).
cd "$(dirname "$0")"
for f in cases/*; do
  n=$(basename "$f")
  class=Region
  case $n in container_*) class=Container;; esac
  if linkml-validate -s schema.yaml -C $class "$f" >/dev/null 2>&1; then echo "$n $class valid"; else echo "$n $class invalid"; fi
done > verdicts.txt
