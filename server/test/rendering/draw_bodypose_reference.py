"""Reference rendering of an OpenPose body skeleton, drawn the way controlnet_aux's draw_bodypose draws it.

Reads a JSON list on stdin, one {"width": W, "height": H, "keypoints": [[x, y] | null, ...]} per image, with 18
joints in OpenPose order and x, y normalised to 0..1 of the image. Writes each image's W*H*3 bytes of raw RGB to
stdout, one after the other (one process for many images: importing cv2 is the slow part).

What is reproduced, step by step (controlnet_aux/open_pose/util.py):
  * limbs are filled ellipses from cv2.ellipse2Poly with a 1 degree step, half-length int(length / 2) and half-width 4,
    centred on the truncated mean of the two joints, rotated by the angle of the vector from the limb's second
    joint to its first, in whole degrees truncated toward zero;
  * the whole canvas is then scaled by 0.6 and truncated to uint8 (so limbs end up at 60 % of their colour);
  * joints are filled circles of radius 4 at the truncated pixel position, in full colour, drawn last.
"""

import json
import math
import sys

import cv2
import numpy as np

LIMBS = [(1, 2), (1, 5), (2, 3), (3, 4), (5, 6), (6, 7), (1, 8), (8, 9), (9, 10), (1, 11), (11, 12), (12, 13),
         (1, 0), (0, 14), (14, 16), (0, 15), (15, 17)]
PALETTE = [(255, 0, 0), (255, 85, 0), (255, 170, 0), (255, 255, 0), (170, 255, 0), (85, 255, 0), (0, 255, 0),
           (0, 255, 85), (0, 255, 170), (0, 255, 255), (0, 170, 255), (0, 85, 255), (0, 0, 255), (85, 0, 255),
           (170, 0, 255), (255, 0, 255), (255, 0, 170), (255, 0, 85)]
HALF_WIDTH = 4
JOINT_RADIUS = 4


def draw(width, height, keypoints):
    canvas = np.zeros((height, width, 3), dtype=np.uint8)
    for limb, (first, second) in enumerate(LIMBS):
        if keypoints[first] is None or keypoints[second] is None:
            continue
        # Rows and columns as the original names them: "across" is x in pixels, "down" is y in pixels.
        across = [keypoints[first][0] * float(width), keypoints[second][0] * float(width)]
        down = [keypoints[first][1] * float(height), keypoints[second][1] * float(height)]
        length = ((down[0] - down[1]) ** 2 + (across[0] - across[1]) ** 2) ** 0.5
        angle = math.degrees(math.atan2(down[0] - down[1], across[0] - across[1]))
        centre = (int(np.mean(across)), int(np.mean(down)))
        outline = cv2.ellipse2Poly(centre, (int(length / 2), HALF_WIDTH), int(angle), 0, 360, 1)
        cv2.fillConvexPoly(canvas, outline, PALETTE[limb])
    canvas = (canvas * 0.6).astype(np.uint8)
    for joint, point in enumerate(keypoints):
        if point is None:
            continue
        cv2.circle(canvas, (int(point[0] * width), int(point[1] * height)), JOINT_RADIUS, PALETTE[joint], thickness=-1)
    return canvas


def main():
    for request in json.load(sys.stdin):
        image = draw(int(request["width"]), int(request["height"]), request["keypoints"])
        sys.stdout.buffer.write(np.ascontiguousarray(image).tobytes())


if __name__ == "__main__":
    main()
