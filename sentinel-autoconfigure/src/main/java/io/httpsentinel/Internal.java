package io.httpsentinel;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a type that is public only because another Sentinel package uses it: it is not
 * part of the API, and it may change or go away in any release. Java has no visibility
 * for "this library only"; this annotation says it instead, and the API listing
 * ({@code api/sentinel-autoconfigure.api}) shows such types apart from the API.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Internal {

}
