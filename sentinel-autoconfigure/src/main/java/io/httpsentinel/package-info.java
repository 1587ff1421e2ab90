/**
 * Shared vocabulary of every Sentinel package: the exception base types, the invalid
 * setting error and the checks that produce it.
 */
@NullMarked
package io.httpsentinel;

import org.jspecify.annotations.NullMarked;
