#!/bin/sh
# Creates the venv the Python client tests use, as interop/src/clients.rs
# does on first use (by hand, or ahead of time in CI):
#   interop/clients/setup.sh [VENV_DIR]
# Needs python3 with the venv module (Debian: apt-get install -y python3-venv).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv=${1:-$here/../../target/interop-kafka/pyenv}
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$here/requirements.txt"
cp "$here/requirements.txt" "$venv/requirements.txt"
"$venv/bin/python" -c 'import kafka, confluent_kafka; print("kafka-python", kafka.__version__, "confluent-kafka", confluent_kafka.version(), "librdkafka", confluent_kafka.libversion()[0])'
