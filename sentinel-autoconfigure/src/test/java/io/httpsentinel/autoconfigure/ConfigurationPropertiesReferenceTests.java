package io.httpsentinel.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the property reference of the documentation,
 * {@code docs/configuration-properties.md}, generated from the configuration metadata
 * that the build writes (the processor's output merged with
 * {@code additional-spring-configuration-metadata.json}), so that it cannot drift from
 * the code: one table per metadata group with every property's name, type, default and
 * description. The test fails when the committed page differs; after a change of the
 * properties, rewrite it with
 * {@code ./mvnw -pl sentinel-autoconfigure test -Dtest=ConfigurationPropertiesReferenceTests -Dsentinel.docs.update=true}
 * and commit it.
 */
class ConfigurationPropertiesReferenceTests {

	static final Path PAGE = Path.of("..", "docs", "configuration-properties.md");

	private static final String HEADER = """
			# Configuration properties

			<!-- Generated from the configuration metadata by ConfigurationPropertiesReferenceTests: do not edit.
			     Rewrite it with: ./mvnw -pl sentinel-autoconfigure test -Dtest=ConfigurationPropertiesReferenceTests -Dsentinel.docs.update=true -->

			Every property of Sentinel, as its configuration metadata (what IDEs complete) describes it.
			Each client is configured under `sentinel.clients.<name>.*` with the keys of `sentinel.defaults.*`:
			a key a client does not set is inherited from `sentinel.defaults`, then from the default listed here.
			How the settings work together is told in the [README](../README.md#configuration) and the pages it links.

			""";

	@Test
	void referencePageMatchesTheConfigurationMetadata() throws IOException {
		String generated = HEADER + reference(metadata());
		if (Boolean.getBoolean("sentinel.docs.update")) {
			Files.writeString(PAGE, generated, StandardCharsets.UTF_8);
		}
		String committed = Files.exists(PAGE) ? Files.readString(PAGE, StandardCharsets.UTF_8) : "";
		assertThat(committed)
			.as("%s is generated from the configuration metadata: rewrite it with "
					+ "./mvnw -pl sentinel-autoconfigure test -Dtest=ConfigurationPropertiesReferenceTests "
					+ "-Dsentinel.docs.update=true and commit it", PAGE)
			.isEqualTo(generated);
	}

	@Test
	void referenceListsEveryPropertyOfTheMetadata() throws IOException {
		JsonNode metadata = metadata();
		String reference = reference(metadata);
		assertThat(metadata.get("properties")).isNotEmpty()
			.allSatisfy((property) -> assertThat(reference).contains("| `" + property.get("name").asString() + "` |"));
	}

	private static JsonNode metadata() throws IOException {
		try (InputStream in = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
			return JsonMapper.builder().build().readTree(in);
		}
	}

	private static String reference(JsonNode metadata) {
		Map<String, String> hints = new LinkedHashMap<>();
		for (JsonNode hint : metadata.path("hints")) {
			hints.put(hint.get("name").asString(), values(hint));
		}
		List<String> groups = StreamSupport.stream(metadata.get("groups").spliterator(), false)
			.map((group) -> group.get("name").asString())
			.distinct()
			.toList();
		Map<String, List<JsonNode>> byGroup = new TreeMap<>(ConfigurationPropertiesReferenceTests::compareGroups);
		for (JsonNode property : metadata.get("properties")) {
			String name = property.get("name").asString();
			byGroup.computeIfAbsent(groupOf(name, groups), (key) -> new ArrayList<>()).add(property);
		}
		StringBuilder out = new StringBuilder();
		byGroup.forEach((group, properties) -> {
			out.append("## `").append(group).append(".*`\n\n");
			out.append("| property | type | default | description |\n| --- | --- | --- | --- |\n");
			properties.stream()
				.sorted(Comparator.comparing((JsonNode property) -> property.get("name").asString()))
				.forEach((property) -> out.append(row(property, hints)));
			out.append('\n');
		});
		return out.toString().stripTrailing() + "\n";
	}

	/**
	 * The longest group whose name prefixes the property's; a property in no group (there
	 * are none today) goes under the parent of its name.
	 */
	private static String groupOf(String name, List<String> groups) {
		return groups.stream()
			.filter((group) -> name.startsWith(group + "."))
			.max(Comparator.comparingInt(String::length))
			.orElse(name.substring(0, Math.max(0, name.lastIndexOf('.'))));
	}

	/** Sentinel's own keys first, then those it adds under {@code management.*}. */
	private static int compareGroups(String a, String b) {
		boolean aSentinel = a.startsWith("sentinel");
		boolean bSentinel = b.startsWith("sentinel");
		return (aSentinel != bSentinel) ? (aSentinel ? -1 : 1) : a.compareTo(b);
	}

	private static String row(JsonNode property, Map<String, String> hints) {
		String name = property.get("name").asString();
		String description = property.path("description").asString("");
		String values = hints.get(name);
		if (values != null) {
			description = description + " Values: " + values + ".";
		}
		JsonNode deprecation = property.get("deprecation");
		if (deprecation != null) {
			description = "**Deprecated**" + deprecationDetails(deprecation) + ". " + description;
		}
		return "| `" + name + "` | " + type(property.path("type").asString("")) + " | "
				+ defaultValue(property.get("defaultValue")) + " | " + text(description) + " |\n";
	}

	private static String deprecationDetails(JsonNode deprecation) {
		String details = "";
		if (deprecation.hasNonNull("replacement")) {
			details += ", use `" + deprecation.get("replacement").asString() + "`";
		}
		if (deprecation.hasNonNull("reason")) {
			details += ": " + deprecation.get("reason").asString();
		}
		return details;
	}

	/** The type without package names: {@code Map<String,String>}, {@code Duration}. */
	private static String type(String type) {
		return type.isEmpty() ? "" : "`" + cell(type.replaceAll("\\b(?:[a-z_][\\w]*\\.)+(?=[A-Z])", "")) + "`";
	}

	private static String defaultValue(JsonNode value) {
		if (value == null || value.isNull()) {
			return "—";
		}
		String text = value.isArray() ? StreamSupport.stream(value.spliterator(), false)
			.map(JsonNode::asString)
			.collect(Collectors.joining(", ")) : value.asString();
		return "`" + cell(text) + "`";
	}

	private static String values(JsonNode hint) {
		return StreamSupport.stream(hint.path("values").spliterator(), false).map((value) -> {
			String description = value.path("description").asString("");
			String text = "`" + value.get("value").asString() + "`";
			return description.isEmpty() ? text : text + " (" + stripFinalPeriod(description) + ")";
		}).collect(Collectors.joining(", "));
	}

	private static String stripFinalPeriod(String text) {
		return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
	}

	/**
	 * Prose fit for a table cell, where {@code <name>} would be taken for an HTML tag.
	 */
	private static String text(String text) {
		return cell(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

	/** Text fit for a Markdown table cell: one line, no column separator. */
	private static String cell(String text) {
		return text.replace("\r", "").replace("\n", " ").replace("|", "\\|");
	}

}
