/**
 * Auto-configuration of Sentinel's integration with the web stacks of the application.
 */
@NullMarked
package io.httpsentinel.autoconfigure.web;

import org.jspecify.annotations.NullMarked;
