/**
 * HTTP endpoints of the sample, calling the upstream through Sentinel clients.
 */
@NullMarked
package io.httpsentinel.sample.web;

import org.jspecify.annotations.NullMarked;
