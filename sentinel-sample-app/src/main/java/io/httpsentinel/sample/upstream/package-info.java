/**
 * Embedded demo upstream that stands in for an external API, so the sample runs offline.
 */
@NullMarked
package io.httpsentinel.sample.upstream;

import org.jspecify.annotations.NullMarked;
