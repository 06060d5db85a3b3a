"""The Python binding against libKilnC ($KILN_LIBRARY): the runtime's bytes, and every error a
Python exception with Kiln's message. Run from the repository root:

    KILN_LIBRARY=.build/debug/libKilnC.so python3 -m unittest discover -s Formats/python/binding/tests
"""

import contextlib
import io
import os
import runpy
import sys
import threading
import unittest

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "Formats", "python", "binding"))
import kiln  # noqa: E402

MODELS = os.path.join(ROOT, "Formats", "models")
GENERATOR = os.path.join(MODELS, "fashion-dcgan-int8.kiln")
CONDITIONAL = os.path.join(MODELS, "fashion-cond-int8.kiln")
CLASSIFIER = os.path.join(MODELS, "fashion-classifier.kiln")


class BindingTests(unittest.TestCase):
    def test_readme_example(self):
        """embed_example.py, the README's Python example, from the repository root."""
        out = io.StringIO()
        cwd = os.getcwd()
        try:
            os.chdir(ROOT)
            with contextlib.redirect_stdout(out):
                runpy.run_path(os.path.join(os.path.dirname(__file__), "embed_example.py"))
        finally:
            os.chdir(cwd)
        self.assertEqual(out.getvalue().split("\n")[0], "fashion-dcgan-int8 int8, 1 of 5 ops f32 100")
        self.assertIn("seed 7, centre pixel 0.7058", out.getvalue())

    def test_info(self):
        with kiln.load(GENERATOR) as m:
            i = m.info
            self.assertEqual(i["name"], "fashion-dcgan-int8")
            self.assertEqual(i["latent_dim"], 100)
            self.assertTrue(i["precision"].startswith("int8"))
            self.assertEqual(i["inputs"], [{"name": "z", "dtype": "float32", "shape": (100,)}])
            self.assertEqual(i["outputs"][0]["shape"], (1, 28, 28))
            self.assertEqual(i["output_range"], (-1.0, 1.0))
            self.assertEqual(len(i["classes"]), 10)
            self.assertEqual(i["file_bytes"], os.path.getsize(GENERATOR))
        self.assertEqual(kiln.format_version()[0], 1)
        self.assertTrue(kiln.version().startswith("1."))

    def test_generate_is_run_on_the_latents_for_any_batch_and_threads(self):
        with kiln.load(GENERATOR, threads=2, batch=3) as m:
            a = m.generate(seed=42, count=7)
            self.assertEqual(a.shape, (7, 1, 28, 28))
            self.assertTrue(np.all(a >= -1) and np.all(a <= 1))
            z = np.stack([m.latent(42 + k) for k in range(7)])
            np.testing.assert_array_equal(m.run(z), a)               # batch 7 against runs of 3
            np.testing.assert_array_equal(m.generate_latent(z), a)
        with kiln.load(GENERATOR) as m:
            np.testing.assert_array_equal(m.generate(seed=42, count=7), a)   # 1 thread, batch 16

    def test_the_c_programs_images(self):
        """The images the C test program wrote (seeds 42 ... 48), when the Swift test gives them."""
        path = os.environ.get("KILN_C_IMAGES")
        if not path:
            self.skipTest("KILN_C_IMAGES is not set")
        with kiln.load(GENERATOR) as m:
            np.testing.assert_array_equal(m.generate(seed=42, count=7).ravel(), np.fromfile(path, np.float32))

    def test_conditional(self):
        with kiln.load(CONDITIONAL, batch=4) as m:
            self.assertTrue(m.info["conditional"])
            bags = m.generate(seed=1, count=5, cls="Bag")
            np.testing.assert_array_equal(bags, m.generate(seed=1, count=5, cls=m.info["classes"].index("Bag")))
            z = np.stack([m.latent(1 + k) for k in range(5)])
            np.testing.assert_array_equal(m.generate_latent(z, cls=8), bags)
            with self.assertRaisesRegex(kiln.ArgumentError, "10 classes"):
                m.generate(count=2, cls=10)
            with self.assertRaisesRegex(kiln.ArgumentError, "unknown class 'Hat'"):
                m.generate(cls="Hat")
            with self.assertRaises(kiln.RunError) as e:
                m.run(z[:2], np.array([0, 99], np.int32))
            self.assertEqual(e.exception.status, "KILN_E_RUN")

    def test_load_errors(self):
        with self.assertRaisesRegex(kiln.FileError, "No such file"):
            kiln.load(os.path.join(MODELS, "missing.kiln"))
        with self.assertRaisesRegex(kiln.FormatError, "KILN"):
            kiln.load(os.path.join(ROOT, "Formats", "SPEC.md"))
        with open(GENERATOR, "rb") as f:
            data = bytearray(f.read())
        data[-100] ^= 0x40
        with self.assertRaisesRegex(kiln.FormatError, "checksum"):
            kiln.load_bytes(data)
        with self.assertRaises(kiln.FormatError):
            kiln.load_bytes(data[:1000])
        data[-100] ^= 0x40
        with kiln.load_bytes(data) as m:
            self.assertEqual(m.info["latent_dim"], 100)

    def test_argument_errors(self):
        for kwargs, message in [({"threads": 0}, "threads is 0"), ({"threads": 10000}, "threads is 10000"),
                                ({"batch": 0}, "batch is 0"), ({"batch": 1.5}, "batch must be an int")]:
            with self.assertRaisesRegex(kiln.ArgumentError, message):
                kiln.load(GENERATOR, **kwargs)
        with kiln.load(GENERATOR) as m:
            with self.assertRaisesRegex(kiln.ArgumentError, "count is 0"):
                m.generate(count=0)
            with self.assertRaisesRegex(kiln.ArgumentError, "not conditional"):
                m.generate(cls=3)
            with self.assertRaisesRegex(kiln.ArgumentError, "z has shape"):
                m.generate_latent(np.zeros((2, 99)))
            with self.assertRaisesRegex(kiln.ArgumentError, "has shape"):
                m.run(np.zeros((2, 99)))
            with self.assertRaisesRegex(kiln.ArgumentError, "takes 1 input"):
                m.run()
            with self.assertRaisesRegex(kiln.ArgumentError, "seed must be an int"):
                m.generate(seed="7")

    def test_not_a_generator(self):
        with kiln.load(CLASSIFIER) as m:
            self.assertEqual(m.info["latent_dim"], 0)
            with self.assertRaises(kiln.NotGeneratorError):
                m.generate()
            outputs = m.run(np.zeros((3,) + m.info["inputs"][0]["shape"], np.float32))
            self.assertEqual(len(outputs), len(m.info["outputs"]))
            for o, spec in zip(outputs, m.info["outputs"]):
                self.assertEqual(o.shape, (3,) + spec["shape"])

    def test_closed_model(self):
        m = kiln.load(GENERATOR)
        m.close()
        m.close()  # twice is fine
        with self.assertRaises(kiln.ClosedError):
            m.generate()
        with self.assertRaises(kiln.ClosedError):
            m.run(np.zeros((1, 100), np.float32))

    def test_one_model_on_two_threads_is_busy_or_right(self):
        with kiln.load(GENERATOR) as m:
            expected = m.generate(seed=5, count=2)
            results = []

            def work():
                for _ in range(30):
                    try:
                        results.append(np.array_equal(m.generate(seed=5, count=2), expected))
                    except kiln.BusyError:
                        results.append("busy")

            threads = [threading.Thread(target=work) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(len(results), 60)
            self.assertTrue(all(r is True or r == "busy" for r in results))
            self.assertGreaterEqual(results.count(True), 30)


if __name__ == "__main__":
    unittest.main()
