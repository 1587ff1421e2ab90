package io.httpsentinel.resilience;

import java.util.List;

/**
 * The backends of a client with several (placeholder, replaced by the engine).
 */
final class Backends implements BackendsView {

	@Override
	public String source() {
		return "endpoints";
	}

	@Override
	public List<BackendView> backends() {
		return List.of();
	}

	@Override
	public void addListener(BackendListener listener) {
	}

	void close() {
	}

}
