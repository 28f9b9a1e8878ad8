package io.infergate.infer.demo;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The layering rules of the product's main code, checked on the compiled classes of every module
 * this one sees (all but the load-test harness and the benchmarks). Which module may depend on
 * which is checked by the Maven enforcer in the poms; this checks what crosses package lines.
 */
class ArchitectureTest {
  private static final JavaClasses PRODUCT =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          // Other modules' test fixtures arrive as their test-jars.
          .withImportOption(location -> !location.contains("-tests.jar"))
          .importPackages("io.infergate.infer");

  @Test
  void routerIsPureJava() {
    classes()
        .that()
        .resideInAPackage("io.infergate.infer.router..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "io.infergate.infer.router..")
        .because("routing is pure logic, unit-testable without sockets or gRPC types")
        .check(PRODUCT);
  }

  @Test
  void nettyStaysInTheSharedTransport() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "io.infergate.infer.observability.transport..",
            "io.infergate.infer.gateway.admin.console..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.netty..")
        .because(
            "both servers reach Netty through one transport package; the admin console alone"
                + " plugs its HTTP/1.1 handlers into grpc-netty's pipeline, on the admin port only")
        .check(PRODUCT);
  }

  @Test
  void tensorFlowRuntimeTypesStayInTheBackend() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "io.infergate.infer.modelserver.backend..", "io.infergate.infer.digits..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("org.tensorflow..")
                .and(not(resideInAPackage("org.tensorflow.proto.."))))
        .because("the model server maps TensorFlow's failures to its own kinds in one package")
        .check(PRODUCT);
  }

  @Test
  void theServersShipNoDemoCode() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.infergate.infer.modelserver..",
            "io.infergate.infer.gateway..",
            "io.infergate.infer.router..",
            "io.infergate.infer.observability..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.infergate.infer.digits..", "io.infergate.infer.demo..")
        .check(PRODUCT);
  }

  @Test
  void theGatewayAndTheModelServerKnowNothingOfEachOther() {
    noClasses()
        .that()
        .resideInAPackage("io.infergate.infer.gateway..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.infergate.infer.modelserver..")
        .check(PRODUCT);
    noClasses()
        .that()
        .resideInAPackage("io.infergate.infer.modelserver..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.infergate.infer.gateway..", "io.infergate.infer.router..")
        .check(PRODUCT);
  }
}
