package org.debias4j.cli;

import org.debias4j.nn.Backbones;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.*;

class ModelsCommandTest {
    @Test
    void listsEveryRegisteredBackboneWithTorchvisionsFigures() {
        StringWriter sw = new StringWriter();
        int code = new CommandLine(new ModelsCommand()).setOut(new PrintWriter(sw)).execute();
        String out = sw.toString();
        System.out.print(out);
        assertEquals(0, code);
        for (String name : Backbones.names()) {
            assertTrue(out.contains(name + " "), name);
        }
        // parameters, feature width, input size, GFLOPs (torchvision's tables: 88.79M / 16.41, 5.29M / 0.39)
        assertTrue(out.matches("(?s).*resnext101_32x8d\\s+88,791,336\\s+2048\\s+224\\s+16\\.41\\d.*"), out);
        assertTrue(out.matches("(?s).*efficientnet_b0\\s+5,288,548\\s+1280\\s+224\\s+0\\.38\\d.*"), out);
        assertTrue(out.matches("(?s).*inception_v3\\s+23,834,568\\s+2048\\s+299\\s+5\\.71\\d.*"), out);
        assertTrue(out.matches("(?s).*resnet56_cifar\\s+[\\d,]+\\s+64\\s+32\\s+0\\.1\\d\\d.*"), out);
    }

    @Test
    void filtersByNameAndClassCount() {
        StringWriter sw = new StringWriter();
        int code = new CommandLine(new ModelsCommand()).setOut(new PrintWriter(sw))
                .execute("--name", "resnet18", "--classes", "7");
        assertEquals(0, code);
        // 11,689,512 - 1000 * 513 + 7 * 513
        assertTrue(sw.toString().contains("11,180,103"), sw.toString());
        assertFalse(sw.toString().contains("resnet34"));
    }
}
