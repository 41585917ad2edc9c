"""Custom handler for a Hugging Face Inference Endpoint: ControlNet-OpenPose plus an IP-Adapter for identity.

The Lumiku Pose server (HF_ENDPOINT_URL set to this endpoint, HF_IDENTITY=ip-adapter) posts the OpenPose control
image as `inputs` and the avatar as `parameters.ip_adapter_image`; the answer is the rendered image. The
request format and its checks live in request_parsing.py; this file only runs the pipeline.
"""

import io
import os
import sys

import torch
from diffusers import ControlNetModel, StableDiffusionControlNetPipeline, UniPCMultistepScheduler
from PIL import Image

# Inference Endpoints load this file by path; its folder is put on the import path so the parser next to it loads.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from request_parsing import RenderRequest, parse_request  # noqa: E402

# The base model and adapters can be swapped with endpoint environment variables; the defaults are SD 1.5 ones.
BASE_MODEL = os.environ.get("BASE_MODEL", "stable-diffusion-v1-5/stable-diffusion-v1-5")
CONTROLNET_MODEL = os.environ.get("CONTROLNET_MODEL", "lllyasviel/control_v11p_sd15_openpose")
IP_ADAPTER_REPOSITORY = os.environ.get("IP_ADAPTER_REPOSITORY", "h94/IP-Adapter")
IP_ADAPTER_SUBFOLDER = os.environ.get("IP_ADAPTER_SUBFOLDER", "models")
# The face variant: the avatar's face, hair and skin carry over; clothes and background follow the prompt.
IP_ADAPTER_WEIGHTS = os.environ.get("IP_ADAPTER_WEIGHTS", "ip-adapter-plus-face_sd15.safetensors")


class EndpointHandler:
    def __init__(self, path=""):
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        dtype = torch.float16 if self.device == "cuda" else torch.float32
        controlnet = ControlNetModel.from_pretrained(CONTROLNET_MODEL, torch_dtype=dtype)
        self.pipeline = StableDiffusionControlNetPipeline.from_pretrained(
            BASE_MODEL, controlnet=controlnet, torch_dtype=dtype
        )
        self.pipeline.scheduler = UniPCMultistepScheduler.from_config(self.pipeline.scheduler.config)
        # The plus adapters bring their own image encoder from the repository's models/image_encoder.
        self.pipeline.load_ip_adapter(IP_ADAPTER_REPOSITORY, subfolder=IP_ADAPTER_SUBFOLDER, weight_name=IP_ADAPTER_WEIGHTS)
        self.pipeline.to(self.device)
        # With an IP-Adapter loaded the UNet always expects image embeddings; a request without an avatar gets
        # this blank reference at scale 0, which adds nothing to the render.
        self.blank_reference = Image.new("RGB", (224, 224), (0, 0, 0))

    def __call__(self, data):
        request = parse_request(data)
        return self.render(request)

    def render(self, request: RenderRequest) -> Image.Image:
        control_image = _open_rgb(request.control_image)
        if request.ip_adapter_image is None:
            reference, scale = self.blank_reference, 0.0
        else:
            reference, scale = _open_rgb(request.ip_adapter_image), request.ip_adapter_scale
        self.pipeline.set_ip_adapter_scale(scale)
        generator = None
        if request.seed is not None:
            generator = torch.Generator(device=self.device).manual_seed(request.seed)
        result = self.pipeline(
            prompt=request.prompt,
            negative_prompt=request.negative_prompt or None,
            image=control_image,
            ip_adapter_image=reference,
            width=request.width,
            height=request.height,
            num_inference_steps=request.num_inference_steps,
            guidance_scale=request.guidance_scale,
            controlnet_conditioning_scale=request.controlnet_conditioning_scale,
            generator=generator,
        )
        # The Inference Endpoints toolkit encodes a returned PIL image as the response body (PNG by default).
        return result.images[0]


def _open_rgb(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")
