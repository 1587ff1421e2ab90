/**
 * The application under test of the whole-application benchmark.
 */
@NullMarked
package io.httpsentinel.benchmarks.app;

import org.jspecify.annotations.NullMarked;
