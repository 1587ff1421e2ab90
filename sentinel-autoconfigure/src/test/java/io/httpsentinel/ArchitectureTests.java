package io.httpsentinel;

import java.io.IOException;
import java.util.Set;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package arrows of the library, checked on its compiled classes (tests excluded).
 * The layers, lowest first: the shared vocabulary ({@code io.httpsentinel}), the
 * connection pool, the resilience decisions, their Redis store, SSE reading, the client
 * facade, then the users of the facade (SSE forwarding, metrics, health, the actuator
 * endpoint), and the auto-configuration that wires them. A layer may use the layers below
 * it, never one above it.
 */
class ArchitectureTests {

	private static final JavaClasses LIBRARY = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.httpsentinel");

	@Test
	void packagesHaveNoCycle() {
		ArchRule rule = slices().matching("io.httpsentinel.(**)").should().beFreeOfCycles();
		rule.check(LIBRARY);
	}

	@Test
	void libraryPackagesNeverUseTheAutoConfiguration() {
		ArchRule rule = noClasses().that()
			.resideOutsideOfPackage("io.httpsentinel.autoconfigure..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.httpsentinel.autoconfigure..")
			.because("the library must work without Spring Boot's auto-configuration, wired by hand");
		rule.check(LIBRARY);
	}

	@Test
	void layersPointOneWay() {
		ArchRule rule = Architectures.layeredArchitecture()
			.consideringOnlyDependenciesInLayers()
			.layer("vocabulary")
			.definedBy("io.httpsentinel")
			.layer("pool")
			.definedBy("io.httpsentinel.client.pool")
			.layer("resilience")
			.definedBy("io.httpsentinel.resilience")
			.layer("redis")
			.definedBy("io.httpsentinel.redis")
			.layer("sse")
			.definedBy("io.httpsentinel.sse")
			.layer("client")
			.definedBy("io.httpsentinel.client")
			.layer("sse.proxy")
			.definedBy("io.httpsentinel.sse.proxy")
			.layer("metrics")
			.definedBy("io.httpsentinel.metrics")
			.layer("health")
			.definedBy("io.httpsentinel.health")
			.layer("actuate")
			.definedBy("io.httpsentinel.actuate")
			.layer("autoconfigure")
			.definedBy("io.httpsentinel.autoconfigure..")
			.whereLayer("autoconfigure")
			.mayNotBeAccessedByAnyLayer()
			.whereLayer("actuate")
			.mayOnlyBeAccessedByLayers("autoconfigure")
			.whereLayer("health")
			.mayOnlyBeAccessedByLayers("actuate", "autoconfigure")
			.whereLayer("metrics")
			.mayOnlyBeAccessedByLayers("autoconfigure")
			.whereLayer("sse.proxy")
			.mayOnlyBeAccessedByLayers("metrics", "autoconfigure")
			.whereLayer("client")
			.mayOnlyBeAccessedByLayers("sse.proxy", "metrics", "health", "actuate", "autoconfigure")
			.whereLayer("redis")
			.mayOnlyBeAccessedByLayers("autoconfigure")
			.whereLayer("sse")
			.mayOnlyBeAccessedByLayers("client", "sse.proxy", "metrics", "health", "actuate", "autoconfigure")
			.whereLayer("resilience")
			.mayOnlyBeAccessedByLayers("redis", "sse", "client", "sse.proxy", "metrics", "health", "actuate",
					"autoconfigure")
			.whereLayer("pool")
			.mayOnlyBeAccessedByLayers("resilience", "sse", "client", "sse.proxy", "metrics", "health", "actuate",
					"autoconfigure");
		rule.check(LIBRARY);
	}

	@Test
	void publicTypesOfEnginePackagesAreListedInTheApi() throws IOException {
		Set<String> listed = Set.copyOf(PublicApiTests.listedTypes());
		ArchRule rule = classes().that()
			.arePublic()
			.and()
			.resideInAnyPackage("io.httpsentinel.client.pool", "io.httpsentinel.resilience", "io.httpsentinel.redis",
					"io.httpsentinel.sse", "io.httpsentinel.sse.proxy")
			.should(beListedIn(listed))
			.because("engine classes stay package-private unless another package needs them; "
					+ "a public one is a deliberate API change (see PublicApiTests)");
		rule.check(LIBRARY);
	}

	/**
	 * Whether code outside the package can name the type: a public type nested in a
	 * package-private one cannot (members of an interface are public implicitly).
	 */
	private static boolean isReachable(JavaClass type) {
		for (JavaClass t = type; t != null; t = t.getEnclosingClass().orElse(null)) {
			if (!t.getModifiers().contains(JavaModifier.PUBLIC)) {
				return false;
			}
		}
		return true;
	}

	private static ArchCondition<JavaClass> beListedIn(Set<String> listed) {
		return new ArchCondition<>("be listed in " + PublicApiTests.LISTING) {
			@Override
			public void check(JavaClass type, ConditionEvents events) {
				if (isReachable(type) && !listed.contains(type.getName())) {
					events.add(SimpleConditionEvent.violated(type,
							type.getName() + " is public but not listed in " + PublicApiTests.LISTING));
				}
			}
		};
	}

}
