package io.httpsentinel.autoconfigure.web;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Problem details in a Spring MVC application whose requests run on virtual threads
 * ({@code spring.threads.virtual.enabled=true}). Runs on Java 21+ (see the
 * {@code virtual-threads} profile).
 */
@Tag("virtual-threads")
@EnabledForJreRange(min = JRE.JAVA_21, disabledReason = "virtual threads need Java 21+")
class VirtualThreadMvcProblemDetailsTests extends ServletProblemDetailsTests {

	@Override
	ProblemApp.Builder application() {
		return ProblemApp.servlet().properties("spring.threads.virtual.enabled=true");
	}

	@Test
	void requestsRunOnVirtualThreads() throws Exception {
		assertThat(this.app.get("/thread").body()).startsWith("VirtualThread");
	}

}
