#!/usr/bin/env python3
"""Send images to vaestream in the Confluent wire format and read their scores back.

A schema-registry shop's producer: confluent_kafka's AvroSerializer registers ImageEvent under
the subject <images topic>-value and frames every value as 00 + schema id + Avro body; the
detector resolves the id through the same registry. The scores are read with AvroDeserializer
(start the detector with value.format=confluent), committed transactions only.

Needs confluent_kafka with its Avro extra (Debian: apt-get install python3-confluent-kafka, plus
fastavro, which Debian does not package: python3 -m pip install fastavro), a broker, a registry
with a Confluent-compatible API and a detector (see docs/wire-format.md). From the repository root:

    /usr/bin/python3 docs/examples/registry_client.py --bootstrap-servers 127.0.0.1:19092 \\
        --registry http://127.0.0.1:8081/apis/ccompat/v7 --count 1000

The last line it prints is a JSON summary: {"sent": ..., "scored": ..., "duplicates": ..., ...}.
"""
import argparse
import datetime
import json
import os
import random
import sys
import time
import uuid

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

SCHEMA = os.path.join(os.path.dirname(__file__), "..", "..", "schemas", "src", "main", "avro", "ImageEvent.avsc")


def image_event(event_id: str, rng: random.Random) -> dict:
    """One 28x28 grey image: the size of the demo model's input."""
    return {
        "id": event_id,
        "source": "python-registry-client",
        "event_time": datetime.datetime.now(datetime.timezone.utc),
        "width": 28,
        "height": 28,
        "channels": 1,
        "pixel_format": "GRAY8",
        "pixels": bytes(rng.getrandbits(8) for _ in range(28 * 28)),
        "label": None,
        "anomalous": None,
        "attributes": {"client": "python"},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bootstrap-servers", default="127.0.0.1:19092")
    ap.add_argument("--registry", default="http://127.0.0.1:8081/apis/ccompat/v7",
                    help="base URL of the registry's Confluent-compatible API")
    ap.add_argument("--images-topic", default="images")
    ap.add_argument("--scores-topic", default="scores")
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--timeout", type=float, default=120, help="seconds to wait for all scores")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()

    registry = SchemaRegistryClient({"url": args.registry})
    with open(SCHEMA) as f:
        serialize = AvroSerializer(registry, f.read())
    deserialize = AvroDeserializer(registry)

    run = uuid.uuid4().hex[:8]
    rng = random.Random(args.seed)
    producer = Producer({"bootstrap.servers": args.bootstrap_servers, "enable.idempotence": True})
    sent = set()
    t0 = time.monotonic()
    for i in range(args.count):
        event_id = f"py-{run}-{i}"
        value = serialize(image_event(event_id, rng),
                          SerializationContext(args.images_topic, MessageField.VALUE))
        producer.produce(args.images_topic, key=event_id.encode(), value=value)
        producer.poll(0)
        sent.add(event_id)
    if producer.flush(30) != 0:
        print("not every image was delivered within 30 s", file=sys.stderr)
        return 1
    print(f"sent {len(sent)} images to {args.images_topic} in {time.monotonic() - t0:.1f} s", file=sys.stderr)

    consumer = Consumer({
        "bootstrap.servers": args.bootstrap_servers,
        "group.id": f"registry-client-{run}",
        "auto.offset.reset": "earliest",
        "isolation.level": "read_committed",
        "enable.auto.commit": False,
    })
    consumer.subscribe([args.scores_topic])
    seen = {}
    anomalies = 0
    first = None
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline and len(seen) < len(sent):
        msg = consumer.poll(0.5)
        if msg is None:
            continue
        if msg.error():
            print(f"consumer error: {msg.error()}", file=sys.stderr)
            continue
        score = deserialize(msg.value(), SerializationContext(msg.topic(), MessageField.VALUE))
        if score["event_id"] not in sent:
            continue  # scores of other producers on a shared topic
        seen[score["event_id"]] = seen.get(score["event_id"], 0) + 1
        anomalies += bool(score["is_anomaly"])
        first = first or score
    consumer.close()
    summary = {
        "sent": len(sent),
        "scored": len(seen),
        "duplicates": sum(n - 1 for n in seen.values()),
        "anomalies": anomalies,
        "model": f'{first["model_name"]} {first["model_version"]}' if first else None,
        "seconds": round(time.monotonic() - t0, 1),
    }
    print(json.dumps(summary))
    return 0 if summary["scored"] == summary["sent"] and summary["duplicates"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
