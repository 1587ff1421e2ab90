package io.httpsentinel.testsupport;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * Gives a {@link RedisTest} one invocation per kind of Redis, each starting its Redis
 * before the test and stopping it after.
 */
final class RedisTargetsExtension implements TestTemplateInvocationContextProvider {

	@Override
	public boolean supportsTestTemplate(ExtensionContext context) {
		return context.getTestMethod().map((method) -> method.isAnnotationPresent(RedisTest.class)).orElse(false);
	}

	@Override
	public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
		return Stream.of(new Invocation("redis-server", RedisServer::start),
				new Invocation("testcontainers", RedisContainer::start));
	}

	private record Invocation(String name, Supplier<RedisTarget> starter) implements TestTemplateInvocationContext {

		@Override
		public String getDisplayName(int invocationIndex) {
			return this.name;
		}

		@Override
		public List<Extension> getAdditionalExtensions() {
			return List.of(new Lifecycle(this.starter));
		}

	}

	/**
	 * Starts the Redis in a before-each callback, where a JUnit assumption skips the test
	 * (in a parameter resolver it would fail it), and stops it after the test's own
	 * after-each methods.
	 */
	private record Lifecycle(
			Supplier<RedisTarget> starter) implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

		private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
			.create(RedisTargetsExtension.class);

		@Override
		public void beforeEach(ExtensionContext context) {
			context.getStore(NAMESPACE).put(RedisTarget.class, this.starter.get());
		}

		@Override
		public void afterEach(ExtensionContext context) {
			RedisTarget redis = context.getStore(NAMESPACE).remove(RedisTarget.class, RedisTarget.class);
			if (redis != null) {
				redis.close();
			}
		}

		@Override
		public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
			return parameter.getParameter().getType() == RedisTarget.class;
		}

		@Override
		public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
			return context.getStore(NAMESPACE).get(RedisTarget.class, RedisTarget.class);
		}

	}

}
