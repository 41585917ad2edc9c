"""Parsing and validation of the requests the Lumiku Pose server sends to this endpoint.

Plain Python (standard library only), kept apart from the diffusion pipeline so it can be tested anywhere,
without torch or a GPU: `python3 -m unittest` in this folder.

The body is what `@huggingface/inference`'s `imageToImage` sends for a dedicated endpoint, with extra parameters:

    {"inputs": "<control image, base64 PNG>",
     "parameters": {"prompt": str, "negative_prompt": str, "seed": int, "num_inference_steps": int,
                    "guidance_scale": float, "target_size": {"width": int, "height": int},
                    "controlnet_conditioning_scale": float,
                    "ip_adapter_image": "<avatar, base64 JPEG/PNG/WebP>", "ip_adapter_scale": float}}

Only `inputs` and `parameters.prompt` are required. Unknown parameters are ignored, so a newer server can add
some without breaking an older endpoint.
"""

import base64
import binascii
from dataclasses import dataclass
from typing import Any, Dict, Optional

DEFAULT_STEPS = 30
DEFAULT_GUIDANCE_SCALE = 7.5
DEFAULT_CONTROLNET_SCALE = 1.0
DEFAULT_IP_ADAPTER_SCALE = 0.6
DEFAULT_SIDE = 512
MIN_SIDE = 64
MAX_SIDE = 2048
MAX_STEPS = 150
MAX_PROMPT_CHARACTERS = 4000
# Stable Diffusion's latents are an eighth of the image: sides must divide by 8.
SIDE_MULTIPLE = 8

_IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
)


class RequestError(ValueError):
    """A request this endpoint cannot render; the message says which field is wrong and why."""


@dataclass(frozen=True)
class RenderRequest:
    control_image: bytes
    prompt: str
    negative_prompt: str
    seed: Optional[int]
    num_inference_steps: int
    guidance_scale: float
    width: int
    height: int
    controlnet_conditioning_scale: float
    # The avatar; None renders without identity (the IP-Adapter's scale is then 0).
    ip_adapter_image: Optional[bytes]
    ip_adapter_scale: float


def image_format(data: bytes) -> Optional[str]:
    """The format named by the file's first bytes (PNG, JPEG or WebP), or None."""
    for signature, name in _IMAGE_SIGNATURES:
        if data.startswith(signature):
            return name
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _decode_image(value: Any, field: str) -> bytes:
    if not isinstance(value, str) or not value:
        raise RequestError(f"{field} must be a base64-encoded image")
    # A data URI is accepted too: its payload follows the first comma.
    if value.startswith("data:"):
        value = value.partition(",")[2]
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as error:
        raise RequestError(f"{field} is not valid base64: {error}") from None
    if image_format(data) is None:
        raise RequestError(f"{field} is not a PNG, JPEG or WebP image")
    return data


def _number(parameters: Dict[str, Any], field: str, default: float, low: float, high: float) -> float:
    value = parameters.get(field, default)
    # bool is an int in Python; true is not a scale.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        raise RequestError(f"parameters.{field} must be a number")
    if not low <= value <= high:
        raise RequestError(f"parameters.{field} must be between {low} and {high}, got {value}")
    return float(value)


def _integer(parameters: Dict[str, Any], field: str, default: Optional[int], low: int, high: int) -> Optional[int]:
    """An integer within bounds (a float with no fraction counts); `default` when absent, which may be None."""
    value = parameters.get(field, default)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise RequestError(f"parameters.{field} must be an integer")
    if not low <= value <= high:
        raise RequestError(f"parameters.{field} must be between {low} and {high}, got {value}")
    return value


def _text(parameters: Dict[str, Any], field: str, required: bool) -> str:
    value = parameters.get(field, "")
    if not isinstance(value, str):
        raise RequestError(f"parameters.{field} must be a string")
    if required and not value.strip():
        raise RequestError(f"parameters.{field} is required")
    if len(value) > MAX_PROMPT_CHARACTERS:
        raise RequestError(f"parameters.{field} is longer than {MAX_PROMPT_CHARACTERS} characters")
    return value


def _side(size: Dict[str, Any], field: str) -> int:
    value = _integer(size, field, DEFAULT_SIDE, MIN_SIDE, MAX_SIDE)
    # Rounded down rather than refused: the server asks for the size it wants, the model needs multiples of 8.
    return value - value % SIDE_MULTIPLE


def parse_request(data: Any) -> RenderRequest:
    """Checks a request body and returns what the pipeline needs; raises RequestError on anything wrong."""
    if not isinstance(data, dict):
        raise RequestError("the request body must be a JSON object with inputs and parameters")
    control_image = _decode_image(data.get("inputs"), "inputs")
    parameters = data.get("parameters", {})
    if not isinstance(parameters, dict):
        raise RequestError("parameters must be an object")
    target_size = parameters.get("target_size", {})
    if not isinstance(target_size, dict):
        raise RequestError("parameters.target_size must be an object {width, height}")
    reference = parameters.get("ip_adapter_image")
    return RenderRequest(
        control_image=control_image,
        prompt=_text(parameters, "prompt", required=True),
        negative_prompt=_text(parameters, "negative_prompt", required=False),
        seed=_integer(parameters, "seed", None, 0, 2**63 - 1),
        num_inference_steps=_integer(parameters, "num_inference_steps", DEFAULT_STEPS, 1, MAX_STEPS),
        guidance_scale=_number(parameters, "guidance_scale", DEFAULT_GUIDANCE_SCALE, 0.0, 30.0),
        width=_side(target_size, "width"),
        height=_side(target_size, "height"),
        controlnet_conditioning_scale=_number(
            parameters, "controlnet_conditioning_scale", DEFAULT_CONTROLNET_SCALE, 0.0, 2.0
        ),
        ip_adapter_image=None if reference is None else _decode_image(reference, "parameters.ip_adapter_image"),
        ip_adapter_scale=_number(parameters, "ip_adapter_scale", DEFAULT_IP_ADAPTER_SCALE, 0.0, 1.0),
    )
