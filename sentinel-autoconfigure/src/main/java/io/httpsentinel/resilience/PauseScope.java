package io.httpsentinel.resilience;

/**
 * What a long {@code Retry-After} pauses when a client has several backends.
 */
public enum PauseScope {

	/**
	 * The backend that asked for the pause; the others keep serving. Right for replicas
	 * of one's own servers (vLLM, Ollama), where one overloaded replica says nothing
	 * about the others, and the default: pausing the whole client for one replica's 503
	 * would turn one replica's trouble into an outage.
	 */
	BACKEND,

	/**
	 * The whole client, every backend: right for one provider behind several addresses
	 * (regional endpoints of one API key), where a 429 speaks for the key's quota
	 * everywhere.
	 */
	CLIENT

}
