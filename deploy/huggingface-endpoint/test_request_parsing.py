"""Tests of request_parsing.py; standard library only: `python3 -m unittest` in this folder."""

import base64
import struct
import unittest
import zlib

from request_parsing import (
    DEFAULT_CONTROLNET_SCALE,
    DEFAULT_GUIDANCE_SCALE,
    DEFAULT_IP_ADAPTER_SCALE,
    DEFAULT_STEPS,
    RequestError,
    image_format,
    parse_request,
)


def tiny_png() -> bytes:
    """A real 1x1 black PNG, built by hand so the tests need no imaging library."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00"))
        + chunk(b"IEND", b"")
    )


PNG = tiny_png()
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 8


def encoded(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def body(**parameters):
    return {"inputs": encoded(PNG), "parameters": {"prompt": "a model holding a serum bottle", **parameters}}


class ParseRequestTest(unittest.TestCase):
    def test_reads_the_full_request_the_server_sends(self):
        request = parse_request(
            body(
                negative_prompt="blurry",
                seed=424242,
                num_inference_steps=25,
                guidance_scale=6.5,
                target_size={"width": 512, "height": 768},
                controlnet_conditioning_scale=0.9,
                ip_adapter_image=encoded(JPEG),
                ip_adapter_scale=0.55,
            )
        )
        self.assertEqual(request.control_image, PNG)
        self.assertEqual(request.prompt, "a model holding a serum bottle")
        self.assertEqual(request.negative_prompt, "blurry")
        self.assertEqual(request.seed, 424242)
        self.assertEqual(request.num_inference_steps, 25)
        self.assertEqual(request.guidance_scale, 6.5)
        self.assertEqual((request.width, request.height), (512, 768))
        self.assertEqual(request.controlnet_conditioning_scale, 0.9)
        self.assertEqual(request.ip_adapter_image, JPEG)
        self.assertEqual(request.ip_adapter_scale, 0.55)

    def test_fills_defaults_and_renders_without_identity_when_no_avatar_is_sent(self):
        request = parse_request(body())
        self.assertIsNone(request.seed)
        self.assertIsNone(request.ip_adapter_image)
        self.assertEqual(request.negative_prompt, "")
        self.assertEqual(request.num_inference_steps, DEFAULT_STEPS)
        self.assertEqual(request.guidance_scale, DEFAULT_GUIDANCE_SCALE)
        self.assertEqual(request.controlnet_conditioning_scale, DEFAULT_CONTROLNET_SCALE)
        self.assertEqual(request.ip_adapter_scale, DEFAULT_IP_ADAPTER_SCALE)
        self.assertEqual((request.width, request.height), (512, 512))

    def test_accepts_data_uris_and_webp_references(self):
        request = parse_request(
            {
                "inputs": "data:image/png;base64," + encoded(PNG),
                "parameters": {"prompt": "p", "ip_adapter_image": "data:image/webp;base64," + encoded(WEBP)},
            }
        )
        self.assertEqual(request.control_image, PNG)
        self.assertEqual(request.ip_adapter_image, WEBP)

    def test_rounds_sides_down_to_multiples_of_eight(self):
        request = parse_request(body(target_size={"width": 700, "height": 1001}))
        self.assertEqual((request.width, request.height), (696, 1000))

    def test_takes_whole_floats_as_integers_and_ignores_unknown_parameters(self):
        request = parse_request(body(seed=7.0, num_inference_steps=20.0, scheduler="ddim"))
        self.assertEqual((request.seed, request.num_inference_steps), (7, 20))

    def assert_refused(self, data, message_part):
        with self.assertRaises(RequestError) as caught:
            parse_request(data)
        self.assertIn(message_part, str(caught.exception))

    def test_refuses_a_body_that_is_not_an_object(self):
        self.assert_refused([], "JSON object")
        self.assert_refused({"inputs": encoded(PNG), "parameters": []}, "parameters must be an object")

    def test_refuses_missing_or_broken_control_images(self):
        self.assert_refused({"parameters": {"prompt": "p"}}, "inputs must be a base64-encoded image")
        self.assert_refused({"inputs": "not base64!", "parameters": {"prompt": "p"}}, "inputs is not valid base64")
        self.assert_refused({"inputs": encoded(b"<html>"), "parameters": {"prompt": "p"}}, "not a PNG, JPEG or WebP")

    def test_refuses_a_broken_avatar(self):
        self.assert_refused(body(ip_adapter_image=encoded(b"GIF89a")), "parameters.ip_adapter_image is not a PNG")
        self.assert_refused(body(ip_adapter_image=42), "parameters.ip_adapter_image must be a base64-encoded image")

    def test_refuses_a_missing_prompt(self):
        self.assert_refused({"inputs": encoded(PNG)}, "parameters.prompt is required")
        self.assert_refused(body(prompt="   "), "parameters.prompt is required")
        self.assert_refused(body(prompt=3), "parameters.prompt must be a string")

    def test_refuses_values_out_of_range_or_of_the_wrong_type(self):
        self.assert_refused(body(num_inference_steps=0), "num_inference_steps must be between 1 and 150")
        self.assert_refused(body(num_inference_steps=2.5), "num_inference_steps must be an integer")
        self.assert_refused(body(seed=-1), "seed must be between 0")
        self.assert_refused(body(seed=True), "seed must be an integer")
        self.assert_refused(body(guidance_scale="7"), "guidance_scale must be a number")
        self.assert_refused(body(guidance_scale=float("nan")), "guidance_scale must be a number")
        self.assert_refused(body(ip_adapter_scale=1.5), "ip_adapter_scale must be between 0.0 and 1.0")
        self.assert_refused(body(controlnet_conditioning_scale=-0.1), "controlnet_conditioning_scale must be between")
        self.assert_refused(body(target_size={"width": 32, "height": 512}), "width must be between 64 and 2048")
        self.assert_refused(body(target_size=[512, 512]), "target_size must be an object")


class ImageFormatTest(unittest.TestCase):
    def test_names_formats_from_their_first_bytes(self):
        self.assertEqual(image_format(PNG), "png")
        self.assertEqual(image_format(JPEG), "jpeg")
        self.assertEqual(image_format(WEBP), "webp")
        self.assertIsNone(image_format(b"RIFF\x00\x00\x00\x00WAVE"))
        self.assertIsNone(image_format(b""))


if __name__ == "__main__":
    unittest.main()
