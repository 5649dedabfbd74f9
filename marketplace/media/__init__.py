"""Product photos: the pipeline every picture goes through, where it is stored, how it is served.

Public API: `store_image`, `delete_image`, `photo_url`, `srcset`, `StoredImage`, `ImageRejected`
(pipeline.py); `Storage`, `LocalStorage`, `get_storage` (storage.py); `generate_demo_photo`
(demo.py); the `media` blueprint (views.py).
"""
