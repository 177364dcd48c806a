/**
 * Avro in the Confluent wire format: byte {@code 0x00}, the writer schema's id in a schema registry
 * (4 bytes, big-endian), then the Avro binary body. {@link io.vaestream.schemas.registry.SchemaRegistryClient}
 * speaks the registry's Confluent-compatible REST API (Confluent Schema Registry, Apicurio
 * Registry's {@code /apis/ccompat/v7}, Karapace, Redpanda) and caches what it learns;
 * {@link io.vaestream.schemas.registry.RegistryAvro} gives Kafka serdes over it.
 */
package io.vaestream.schemas.registry;
