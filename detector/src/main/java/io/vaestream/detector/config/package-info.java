/**
 * The detector's one typed configuration: every key, its default and its doc, layered file <
 * environment < command line.
 */
package io.vaestream.detector.config;
