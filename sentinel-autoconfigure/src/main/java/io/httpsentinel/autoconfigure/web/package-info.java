/**
 * Auto-configuration of Sentinel's web integration: problem details for Sentinel's errors
 * in Spring MVC and WebFlux applications, and HTTP service groups backed by Sentinel
 * clients.
 */
@NullMarked
package io.httpsentinel.autoconfigure.web;

import org.jspecify.annotations.NullMarked;
