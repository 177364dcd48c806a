/**
 * The trainer's command line ({@code train}, {@code export}, {@code evaluate}, {@code evaluate-maps},
 * {@code info}, {@code sample}, {@code textures}), picocli commands with shared option classes.
 */
package io.vaestream.trainer.cli;
