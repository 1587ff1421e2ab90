package io.httpsentinel.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test once per kind of Redis: a {@code redis-server} process
 * ({@link RedisServer}) and a Testcontainers container ({@link RedisContainer}), each
 * started before the {@code @BeforeEach} methods and stopped after the {@code @AfterEach}
 * methods. The test and its {@code @BeforeEach}/{@code @AfterEach} methods receive it as
 * a {@link RedisTarget} parameter. A kind the machine cannot run (no
 * {@code redis-server}, no Docker) is skipped with a message saying what is missing.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(RedisTargetsExtension.class)
public @interface RedisTest {

}
