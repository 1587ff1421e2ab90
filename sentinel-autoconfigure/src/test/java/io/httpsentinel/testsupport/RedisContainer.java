package io.httpsentinel.testsupport;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A Redis in a Testcontainers container ({@code redis:7-alpine}), the way most users' CI
 * runs Redis. {@link #start()} skips the calling test when Docker is not available (the
 * check {@code @Testcontainers(disabledWithoutDocker = true)} makes). The host port is
 * bound once, so that {@link #restart()} keeps it.
 */
public final class RedisContainer implements RedisTarget {

	/**
	 * Why a test was skipped on a machine without Docker.
	 */
	public static final String NO_DOCKER = "Docker is not available: the Testcontainers Redis variant is skipped";

	private static final DockerImageName IMAGE = DockerImageName.parse("redis:7-alpine");

	private static final int REDIS_PORT = 6379;

	private final GenericContainer<?> container;

	private final int port;

	private boolean paused;

	@SuppressWarnings("resource") // closed by close()
	private RedisContainer(int port) {
		this.port = port;
		this.container = new GenericContainer<>(IMAGE)
			.withCommand("redis-server", "--protected-mode", "no", "--save", "", "--appendonly", "no")
			.withExposedPorts(REDIS_PORT)
			.withCreateContainerCmdModifier((command) -> command.getHostConfig()
				.withPortBindings(new PortBinding(Ports.Binding.bindPort(port), ExposedPort.tcp(REDIS_PORT))));
	}

	/**
	 * Start a Redis container and wait until it answers {@code PING}; skip the calling
	 * test (a JUnit assumption) when Docker is not available.
	 * @return the running Redis
	 */
	public static RedisContainer start() {
		Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(), NO_DOCKER);
		RedisContainer redis = new RedisContainer(RedisServer.freePort());
		redis.container.start();
		redis.awaitPing();
		return redis;
	}

	@Override
	public String name() {
		return "testcontainers";
	}

	@Override
	public String host() {
		return this.container.getHost();
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public synchronized void kill() {
		resumeIfPaused();
		docker().killContainerCmd(this.container.getContainerId()).exec();
	}

	@Override
	public synchronized void pause() {
		docker().pauseContainerCmd(this.container.getContainerId()).exec();
		this.paused = true;
	}

	@Override
	public synchronized void resume() {
		docker().unpauseContainerCmd(this.container.getContainerId()).exec();
		this.paused = false;
	}

	@Override
	public synchronized void restart() {
		resumeIfPaused();
		String id = this.container.getContainerId();
		if (Boolean.TRUE.equals(docker().inspectContainerCmd(id).exec().getState().getRunning())) {
			docker().killContainerCmd(id).exec();
		}
		docker().startContainerCmd(id).exec();
		awaitPing();
	}

	@Override
	public synchronized void close() {
		resumeIfPaused();
		this.container.stop();
	}

	@Override
	public String toString() {
		return "Redis container at " + host() + ":" + this.port;
	}

	private void resumeIfPaused() {
		if (this.paused) {
			resume();
		}
	}

	private void awaitPing() {
		if (!RespProbe.awaitPing(host(), this.port, START_TIMEOUT, () -> true)) {
			throw new IllegalStateException("The Redis container did not answer PING on port " + this.port);
		}
	}

	private DockerClient docker() {
		return this.container.getDockerClient();
	}

}
