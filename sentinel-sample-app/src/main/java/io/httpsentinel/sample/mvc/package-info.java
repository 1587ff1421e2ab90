/**
 * The sample as a Spring MVC application on Tomcat: {@code RestClient}, an HTTP service
 * interface and the forward one-liner.
 */
@NullMarked
package io.httpsentinel.sample.mvc;

import org.jspecify.annotations.NullMarked;
