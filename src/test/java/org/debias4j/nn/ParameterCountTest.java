package org.debias4j.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Parameter counts with 1000 classes equal torchvision 0.14's (shared/notes/torchvision-params.md).
 * Every name is counted through the count-only path (the same block code without allocating);
 * that path is checked against real SameDiff graphs for every name at reduced width and depth,
 * and for a selection of names at full size.
 */
class ParameterCountTest {
    static final Map<String, Long> TORCHVISION = new LinkedHashMap<>();

    static {
        TORCHVISION.put("resnet18", 11_689_512L);
        TORCHVISION.put("resnet34", 21_797_672L);
        TORCHVISION.put("resnet50", 25_557_032L);
        TORCHVISION.put("resnet101", 44_549_160L);
        TORCHVISION.put("resnet152", 60_192_808L);
        TORCHVISION.put("resnext50_32x4d", 25_028_904L);
        TORCHVISION.put("resnext101_32x8d", 88_791_336L);
        TORCHVISION.put("efficientnet_b0", 5_288_548L);
        TORCHVISION.put("efficientnet_b1", 7_794_184L);
        TORCHVISION.put("efficientnet_b2", 9_109_994L);
        TORCHVISION.put("efficientnet_b3", 12_233_232L);
        TORCHVISION.put("efficientnet_b4", 19_341_616L);
        TORCHVISION.put("efficientnet_b5", 30_389_784L);
        TORCHVISION.put("efficientnet_b6", 43_040_704L);
        TORCHVISION.put("efficientnet_b7", 66_347_960L);
        TORCHVISION.put("densenet121", 7_978_856L);
        TORCHVISION.put("densenet161", 28_681_000L);
        TORCHVISION.put("densenet169", 14_149_480L);
        TORCHVISION.put("densenet201", 20_013_928L);
        TORCHVISION.put("inception_v3", 23_834_568L);
    }

    static BlockBackbone backbone(String name, double width, double depth) {
        return (BlockBackbone) Backbones.create(new BackboneSpec(name, Backbones.defaultImageSize(name), width, depth));
    }

    @Test
    void everyTorchvisionNameIsRegisteredWithTorchvisionsParameterCount() {
        assertTrue(Backbones.names().containsAll(TORCHVISION.keySet()));
        for (String cifar : List.of("resnet20_cifar", "resnet32_cifar", "resnet44_cifar", "resnet56_cifar", "resnet110_cifar")) {
            assertTrue(Backbones.names().contains(cifar), cifar);
        }
        for (Map.Entry<String, Long> e : TORCHVISION.entrySet()) {
            String n = e.getKey();
            long ours = backbone(n, 1, 1).cost(Backbones.defaultImageSize(n), 1000).params();
            System.out.printf("%-18s ours %,12d torchvision %,12d%n", n, ours, e.getValue());
            assertEquals(e.getValue(), ours, n);
        }
    }

    /** The count-only path describes the graph that is built: checked for every name on small variants. */
    @Test
    void countOnlyPathMatchesBuiltGraphsForEveryName() {
        for (String n : TORCHVISION.keySet()) {
            int size = n.startsWith("inception") ? 96 : 64;
            ModelSpec spec = new ModelSpec(new BackboneSpec(n, size, 0.25, 0.3), List.of(HeadSpec.linear("main", 5)), 1);
            Model m = Model.create(spec);
            Blocks.Cost c = backbone(n, 0.25, 0.3).cost(size, 5);
            assertEquals(c.params(), m.parameterCount(), n);
            assertEquals(c.masks().size(), m.masks().size(), n);
            assertEquals(c.masks(), List.copyOf(m.masks().keySet()), n);
            assertEquals(c.masks().size(), m.unitActivations().size(), n);
            for (String act : m.unitActivations()) {
                assertTrue(m.sd().hasVariable(act), n + ": no activation " + act);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet18", "resnext101_32x8d", "efficientnet_b0", "efficientnet_b7",
            "densenet121", "inception_v3"})
    void fullSizeGraphsHaveTorchvisionsParameterCount(String n) {
        Model m = Model.create(TorchvisionImport.imagenetSpec(n, 0));
        assertEquals(TORCHVISION.get(n), m.parameterCount(), n);
    }
}
