/**
 * Auto-configuration of Sentinel's integration with the web stacks of the application:
 * problem details for Sentinel's errors, {@code SseProxy}'s one-liner in Spring MVC, and
 * HTTP service groups backed by Sentinel clients.
 */
@NullMarked
package io.httpsentinel.autoconfigure.web;

import org.jspecify.annotations.NullMarked;
