#!/usr/bin/env python3
"""Produce one image to vaestream and read its score back, from Python.

Needs Debian's python3-confluent-kafka and python3-avro (apt-get install python3-confluent-kafka
python3-avro) and a running broker and detector (see docs/wire-format.md). Run it from the
repository root:

    /usr/bin/python3 docs/examples/vaestream_client.py --bootstrap-servers 127.0.0.1:9092

Records use Avro single-object encoding: the bytes C3 01, the 8-byte little-endian CRC-64-AVRO
fingerprint of the writer schema's Parsing Canonical Form, then the Avro binary body. Python's
avro package does not implement that framing, so it is written out here.
"""
import argparse
import datetime
import io
import os
import random
import re
import sys
import time
import uuid

import avro.io
import avro.schema
from confluent_kafka import Consumer, Producer

SCHEMA_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "schemas", "src", "main", "avro")
MARKER = b"\xc3\x01"


def crc64_avro(data: bytes) -> int:
    """The CRC-64-AVRO (Rabin) fingerprint defined by the Avro specification."""
    empty = 0xC15D213AA4D7A795
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (empty & -(fp & 1))
        table.append(fp)
    fp = empty
    for b in data:
        fp = (fp >> 8) ^ table[(fp ^ b) & 0xFF]
    return fp


def parsing_canonical_form(schema) -> str:
    # python3-avro 1.11 leaves a primitive with a logical type as {"type":"long"}; the
    # specification's [PRIMITIVES] rule (and Java) write it as "long". Without this the
    # fingerprint differs from the one the detector knows.
    return re.sub(r'\{"type":"(null|boolean|int|long|float|double|bytes|string)"\}', r'"\1"',
                  schema.canonical_form)


def load(name):
    with open(os.path.join(SCHEMA_DIR, name + ".avsc")) as f:
        schema = avro.schema.parse(f.read())
    fingerprint = crc64_avro(parsing_canonical_form(schema).encode("utf-8")).to_bytes(8, "little")
    return schema, fingerprint


def encode(schema, fingerprint, record) -> bytes:
    out = io.BytesIO()
    out.write(MARKER + fingerprint)
    avro.io.DatumWriter(schema).write(record, avro.io.BinaryEncoder(out))
    return out.getvalue()


def decode(schema, fingerprint, data: bytes):
    if data[:2] != MARKER:
        raise ValueError("not Avro single-object encoding")
    if data[2:10] != fingerprint:
        raise ValueError("written with an unknown schema: fingerprint " + data[2:10].hex())
    return avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(io.BytesIO(data[10:])))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bootstrap-servers", default="127.0.0.1:9092")
    p.add_argument("--images", default="images")
    p.add_argument("--scores", default="scores")
    p.add_argument("--timeout", type=float, default=60)
    args = p.parse_args()

    image_schema, image_fp = load("ImageEvent")
    score_schema, score_fp = load("AnomalyScore")

    event_id = "python-" + uuid.uuid4().hex[:12]
    pixels = bytes(random.randrange(256) for _ in range(28 * 28))
    event = {
        "id": event_id,
        "source": "python-example",
        "event_time": datetime.datetime.now(datetime.timezone.utc),
        "width": 28, "height": 28, "channels": 1,
        "pixel_format": "GRAY8",
        "pixels": pixels,
        "label": None, "anomalous": None, "attributes": {"client": "python"},
    }
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap_servers,
        "group.id": "python-example-" + event_id,
        "auto.offset.reset": "latest",
        "isolation.level": "read_committed",
    })
    consumer.subscribe([args.scores])
    # Wait for the partition assignment, so the score is not missed.
    deadline = time.time() + args.timeout
    while not consumer.assignment() and time.time() < deadline:
        consumer.poll(0.2)

    producer = Producer({"bootstrap.servers": args.bootstrap_servers})
    producer.produce(args.images, key=event_id.encode(), value=encode(image_schema, image_fp, event))
    producer.flush(10)
    print("sent", event_id)

    while time.time() < deadline:
        msg = consumer.poll(0.5)
        if msg is None or msg.error():
            continue
        score = decode(score_schema, score_fp, msg.value())
        if score["event_id"] == event_id:
            print("score for {}: score={:.6g} threshold={:.6g} is_anomaly={} (model {} v{})".format(
                event_id, score["score"], score["threshold"], score["is_anomaly"],
                score["model_name"], score["model_version"]))
            consumer.close()
            return 0
    consumer.close()
    print("no score for", event_id, "within", args.timeout, "s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
